//! Scenario text for tests: the demo organization's header plus what each test adds.

#![allow(dead_code)]

/// Path of a shipped scenario under `tests/scenarios/`.
pub fn shipped(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/scenarios")
        .join(name)
}

/// The demo scenario's text with `extra` TOML appended (accounts, faults, latency...).
pub fn demo_with(extra: &str) -> String {
    let demo = std::fs::read_to_string(shipped("demo.toml")).expect("demo scenario");
    format!("{demo}\n{extra}\n")
}

/// An organization header (management account 111111111111, caller AKIAMANAGEMENT000001) with
/// `organization_extra` lines inside `[organization]` and `rest` after it.
pub fn org(organization_extra: &str, rest: &str) -> String {
    format!(
        r#"[organization]
id = "o-testorg0001"
partition = "aws"
management_account = "111111111111"
root_id = "r-t001"
{organization_extra}

[[callers]]
access_key_id = "AKIAMANAGEMENT000001"
secret_access_key = "test-secret"
account = "111111111111"

[[accounts]]
id = "111111111111"
name = "management"
email = "management@example.com"

{rest}
"#
    )
}

/// `[organization]` lines that enable centralized root access.
pub const ENABLED: &str = r#"feature_set = "ALL"
trusted_access = ["iam.amazonaws.com"]
iam_features = ["RootCredentialsManagement", "RootSessions"]"#;

/// An eligible account with a login profile and one virtual MFA device.
pub fn eligible(id: &str) -> String {
    format!(
        r#"[[accounts]]
id = "{id}"
name = "acct-{id}"
email = "{id}@example.com"
[accounts.root]
login_profile = {{ created = "2021-01-01T00:00:00Z" }}
mfa = [{{ kind = "virtual", name = "root" }}]
"#
    )
}
