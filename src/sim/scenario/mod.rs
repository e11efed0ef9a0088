//! Scenario files: loading and the built-in demo; this module owns the public type.
//!
//! Imports point one way: `raw` (serde) → `validate` (values, with `generate` for `[generate]`)
//! → here. Error locations come from `source`, which imports none of them.

pub(crate) mod generate;
pub(crate) mod generate_users;
pub(crate) mod raw;
pub(crate) mod raw_guardrails;
pub(crate) mod raw_users;
pub(crate) mod source;
pub(crate) mod validate;

pub use crate::sim::scenario::source::Error;
use crate::sim::scenario::source::Source;
use crate::sim::world::dice::Dice;
use crate::sim::world::model::{Account, Caller, Fault, Latency, Organization, Ou, Throttle};
use crate::sim::world::state::World;
use std::path::Path;
use std::sync::Arc;
use validate::Validated;

/// The built-in demo scenario (also shipped as `tests/scenarios/demo.toml`).
const DEMO_TOML: &str = include_str!("../../../tests/scenarios/demo.toml");

/// A validated organization scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub(crate) source: String,
    pub(crate) org: Organization,
    pub(crate) callers: Vec<Caller>,
    pub(crate) ous: Vec<Ou>,
    pub(crate) accounts: Vec<Account>,
    pub(crate) latency: Latency,
    pub(crate) throttles: Vec<Throttle>,
    pub(crate) faults: Vec<Fault>,
    /// Seed of every random decision the simulator makes; None = pick one at start.
    pub(crate) seed: Option<u64>,
}

impl Scenario {
    /// The world this scenario describes; random values draw from `dice`.
    pub(crate) fn world(&self, dice: Arc<Dice>) -> World {
        World::new(&self.org, &self.ous, &self.callers, &self.accounts, dice)
    }

    /// Reads and validates a scenario file.
    pub fn load(path: &Path) -> Result<Scenario, Error> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            file: file.clone(),
            source,
        })?;
        Self::from_toml_str(&text, &file)
    }

    /// Parses and validates scenario text; `source_name` names it in errors.
    pub fn from_toml_str(text: &str, source_name: &str) -> Result<Scenario, Error> {
        let src = Source {
            file: source_name,
            text,
        };
        let raw: raw::Scenario = toml::from_str(text).map_err(|e| src.parse_error(&e))?;
        let Validated {
            org,
            callers,
            ous,
            accounts,
            latency,
            throttles,
            faults,
            seed,
        } = validate::scenario(raw, &src)?;
        Ok(Scenario {
            source: source_name.to_string(),
            org,
            callers,
            ous,
            accounts,
            latency,
            throttles,
            faults,
            seed,
        })
    }

    /// The built-in sample organization.
    pub fn demo() -> Scenario {
        Self::from_toml_str(DEMO_TOML, "demo.toml").expect("the bundled demo scenario is valid")
    }

    /// Replaces the scenario's `seed` (the `sim serve --seed` flag wins over the file).
    pub fn with_seed(mut self, seed: u64) -> Scenario {
        self.seed = Some(seed);
        self
    }

    /// The `seed` the scenario asks for, if any.
    pub fn seed(&self) -> Option<u64> {
        self.seed
    }

    /// Name of the file this scenario came from.
    pub fn source_name(&self) -> &str {
        &self.source
    }

    /// The management account id.
    pub fn management_account(&self) -> &str {
        &self.org.management_account
    }

    /// Ids of every account in the organization, in listing order.
    pub fn account_ids(&self) -> impl Iterator<Item = &str> {
        self.accounts.iter().map(|a| a.id.as_str())
    }

    /// Access key id and secret of the first caller in the management account.
    pub fn management_access_key(&self) -> (&str, &str) {
        self.callers
            .iter()
            .find(|c| c.account == self.org.management_account)
            .map(|c| (c.access_key_id.as_str(), c.secret_access_key.as_str()))
            .expect("validation guarantees a management caller")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::world::model::{AccountState, FaultAction};

    const MINIMAL: &str = r#"
[organization]
id = "o-a1b2c3d4e5"
management_account = "111111111111"

[[callers]]
access_key_id = "AKIAMANAGEMENT000001"
secret_access_key = "s"
account = "111111111111"

[[accounts]]
id = "222222222222"
name = "a"
"#;

    fn invalid(text: &str) -> (usize, String, String) {
        match Scenario::from_toml_str(text, "t.toml") {
            Err(Error::Invalid {
                file,
                line,
                key,
                message,
            }) => {
                assert_eq!(file, "t.toml");
                (line, key, message)
            }
            other => panic!("expected an invalid-scenario error, got {other:?}"),
        }
    }

    #[test]
    fn minimal_scenario_adds_the_management_account_first() {
        let s = Scenario::from_toml_str(MINIMAL, "t.toml").expect("valid");
        let ids: Vec<_> = s.account_ids().collect();
        assert_eq!(ids, ["111111111111", "222222222222"]);
        assert_eq!(s.management_access_key().0, "AKIAMANAGEMENT000001");
        assert_eq!(s.org.root_id, "r-a1b2");
    }

    #[test]
    fn unknown_key_is_reported_with_its_line_and_name() {
        let text = format!("{MINIMAL}colour = \"red\"\n");
        let (line, key, _) = invalid(&text);
        assert_eq!((line, key.as_str()), (14, "colour"));
    }

    #[test]
    fn wrong_type_names_the_key_before_the_value() {
        let text = MINIMAL.replace("name = \"a\"", "name = 5");
        let (line, key, _) = invalid(&text);
        assert_eq!((line, key.as_str()), (13, "name"));
    }

    #[test]
    fn duplicate_account_id_is_rejected_at_the_second_occurrence() {
        let text = format!("{MINIMAL}\n[[accounts]]\nid = \"222222222222\"\n");
        let (line, key, message) = invalid(&text);
        assert_eq!((line, key.as_str()), (16, "id"));
        assert!(message.contains("duplicate"), "{message}");
    }

    #[test]
    fn bad_values_are_rejected() {
        let cases = [
            (MINIMAL.replace("\"222222222222\"", "\"2222\""), "id"),
            (format!("{MINIMAL}state = \"GONE\"\n"), "state"),
            (
                format!("{MINIMAL}[accounts.root]\nmfa = [{{ kind = \"sms\" }}]\n"),
                "kind",
            ),
            (
                format!("{MINIMAL}[[faults]]\naction = \"error\"\nprobability = 1.5\n"),
                "probability",
            ),
        ];
        for (text, expected) in cases {
            let (_, key, _) = invalid(&text);
            assert_eq!(key, expected, "{text}");
        }
    }

    #[test]
    fn demo_scenario_is_valid() {
        let demo = Scenario::demo();
        assert!(demo.accounts.len() >= 12);
        // Prod, Dev under it, and the Control Tower OU whose root control denies root sessions.
        assert_eq!(demo.ous.len(), 3);
    }

    fn account<'a>(s: &'a Scenario, id: &str) -> &'a Account {
        s.accounts
            .iter()
            .find(|a| a.id == id)
            .unwrap_or_else(|| panic!("account {id} missing"))
    }

    #[test]
    fn status_can_differ_from_state_and_is_derived_when_absent() {
        let text = format!(
            "{MINIMAL}state = \"SUSPENDED\"\nstatus = \"ACTIVE\"\n\
             [[accounts]]\nid = \"333333333333\"\nstate = \"PENDING_CLOSURE\"\n\
             [[accounts]]\nid = \"444444444444\"\nstate = \"CLOSED\"\n"
        );
        let s = Scenario::from_toml_str(&text, "t.toml").expect("valid");
        let a = account(&s, "222222222222");
        assert_eq!(
            (a.state, a.state_listed, a.status),
            (AccountState::Suspended, true, Some("ACTIVE"))
        );
        assert_eq!(account(&s, "333333333333").status, Some("PENDING_CLOSURE"));
        assert_eq!(account(&s, "444444444444").status, None);
    }

    #[test]
    fn empty_state_is_left_out_and_the_account_behaves_as_its_status_says() {
        let text = format!("{MINIMAL}state = \"\"\nstatus = \"SUSPENDED\"\n");
        let s = Scenario::from_toml_str(&text, "t.toml").expect("valid");
        let a = account(&s, "222222222222");
        assert_eq!(
            (a.state, a.state_listed, a.status),
            (AccountState::Suspended, false, Some("SUSPENDED"))
        );
        let text = format!("{MINIMAL}status = \"\"\n");
        let s = Scenario::from_toml_str(&text, "t.toml").expect("valid");
        let a = account(&s, "222222222222");
        assert_eq!(
            (a.state, a.state_listed, a.status),
            (AccountState::Active, true, None)
        );
    }

    #[test]
    fn unknown_status_and_misplaced_truncated_no_marker_are_rejected() {
        let (_, key, _) = invalid(&format!("{MINIMAL}status = \"CLOSED\"\n"));
        assert_eq!(key, "status");
        let fault = "[[faults]]\naction = \"truncated-no-marker\"\n";
        let (_, key, message) = invalid(&format!("{MINIMAL}{fault}"));
        assert_eq!(key, "operation");
        assert!(message.contains("ListMFADevices"), "{message}");
        let (_, key, _) = invalid(&format!("{MINIMAL}{fault}operation = \"GetUser\"\n"));
        assert_eq!(key, "operation");
        let ok = format!("{MINIMAL}{fault}operation = \"ListAccessKeys\"\n");
        let s = Scenario::from_toml_str(&ok, "t.toml").expect("valid");
        assert_eq!(s.faults[0].action, FaultAction::TruncatedNoMarker);
    }

    #[test]
    fn credential_and_session_fault_actions_and_iam_timing_keys_are_read() {
        let org = "management_account = \"111111111111\"\n";
        let text = MINIMAL.replace(
            org,
            &format!("{org}iam_consistency_ms = 250\nrole_session_seconds = 5\n"),
        );
        let faults: String = [
            "upload-ssh-key",
            "add-service-credential",
            "expire-session",
            "use-access-key",
        ]
        .iter()
        .map(|a| format!("[[faults]]\naction = \"{a}\"\n"))
        .collect();
        let s = Scenario::from_toml_str(&format!("{text}{faults}"), "t.toml").expect("valid");
        assert_eq!(
            (s.org.iam_consistency_ms, s.org.role_session_seconds),
            (250, Some(5))
        );
        let actions: Vec<&FaultAction> = s.faults.iter().map(|f| &f.action).collect();
        assert_eq!(
            actions,
            [
                &FaultAction::UploadSshKey,
                &FaultAction::AddServiceCredential,
                &FaultAction::ExpireSession,
                &FaultAction::UseAccessKey
            ]
        );
        let plain = Scenario::from_toml_str(MINIMAL, "t.toml").expect("valid");
        assert_eq!(
            (plain.org.iam_consistency_ms, plain.org.role_session_seconds),
            (0, None)
        );
        let zero = MINIMAL.replace(org, &format!("{org}role_session_seconds = 0\n"));
        assert_eq!(invalid(&zero).1, "role_session_seconds");
    }

    #[test]
    fn seed_and_empty_first_page_are_read_and_the_seed_can_be_overridden() {
        let text = format!(
            "seed = 42\n{}",
            MINIMAL.replace(
                "management_account = \"111111111111\"\n",
                "management_account = \"111111111111\"\nempty_first_page = true\n",
            )
        );
        let s = Scenario::from_toml_str(&text, "t.toml").expect("valid");
        assert_eq!(s.seed(), Some(42));
        assert!(s.org.empty_first_page);
        assert_eq!(s.with_seed(7).seed(), Some(7));
        let plain = Scenario::from_toml_str(MINIMAL, "t.toml").expect("valid");
        assert_eq!(plain.seed(), None);
        assert!(!plain.org.empty_first_page);
    }

    #[test]
    fn moves_omitted_paths_and_token_cycles_are_read_and_checked() {
        let text = MINIMAL.replace(
            "management_account = \"111111111111\"\n",
            "management_account = \"111111111111\"\nomit_paths = true\n",
        );
        let moves = "[[moves]]\naccount = \"222222222222\"\nto = \"r-a1b2\"\nafter = 3\n";
        let cycle = "[[faults]]\naction = \"token-cycle\"\noperation = \"ListAccounts\"\n";
        let s = Scenario::from_toml_str(&format!("{text}{moves}{cycle}"), "t.toml").expect("valid");
        assert!(s.org.omit_paths);
        assert_eq!(
            s.org.moves,
            [crate::sim::world::model::Move {
                account: "222222222222".into(),
                to: "r-a1b2".into(),
                after: 3,
                parent: None,
            }]
        );
        assert_eq!(s.faults[0].action, FaultAction::TokenCycle);
        let plain = Scenario::from_toml_str(MINIMAL, "t.toml").expect("valid");
        assert!(!plain.org.omit_paths && plain.org.moves.is_empty());
        let nowhere = "[[moves]]\naccount = \"222222222222\"\nto = \"ou-a1b2-nowhere0\"\n";
        assert_eq!(invalid(&format!("{MINIMAL}{nowhere}")).1, "to");
        let stranger = "[[moves]]\naccount = \"999999999999\"\nto = \"r-a1b2\"\n";
        assert_eq!(invalid(&format!("{MINIMAL}{stranger}")).1, "account");
        let iam_cycle = "[[faults]]\naction = \"token-cycle\"\noperation = \"ListMFADevices\"\n";
        let (_, key, message) = invalid(&format!("{MINIMAL}{iam_cycle}"));
        assert_eq!(key, "operation");
        assert!(message.contains("ListAccountsForParent"), "{message}");
    }

    #[test]
    fn hostile_names_scenario_keeps_control_characters_and_formulas_verbatim() {
        let text = include_str!("../../../tests/scenarios/hostile-names.toml");
        let s = Scenario::from_toml_str(text, "hostile-names.toml").expect("valid");
        assert_eq!(account(&s, "333333333301").name, "=HYPERLINK(\"x\")");
        assert_eq!(
            account(&s, "333333333302").name,
            "\u{1b}[31mred\u{1b}[0m\u{7}"
        );
        assert_eq!(account(&s, "333333333303").name, "harmless\roverwritten");
        let serials: Vec<&str> = s
            .accounts
            .iter()
            .flat_map(|a| a.root.mfa.iter().map(|d| d.serial.as_str()))
            .collect();
        assert!(!serials.is_empty());
        assert!(
            serials.iter().all(|m| !m.chars().any(char::is_control)),
            "{serials:?}"
        );
    }
}
