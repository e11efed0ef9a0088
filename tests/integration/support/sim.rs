//! Spawns `rootsweep sim serve` as a child process and reads its `/_sim` introspection endpoints.
//!
//! Every simulator runs with a seed: the one in `ROOTSWEEP_SIM_SEED` when set (to replay a
//! failure), else the scenario's or a random one. Helper panics name it, and a test that fails
//! while a `Sim` is alive prints it when the `Sim` is dropped.

#![allow(dead_code)] // Each test file uses a different subset of the helpers.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Environment variable whose value is passed to `sim serve --seed` to replay a run.
pub const SEED_ENV: &str = "ROOTSWEEP_SIM_SEED";

/// Operations that read and change nothing. Every other logged call, including operations the
/// simulator does not implement, counts as a possible change in [`Sim::non_read_calls`].
pub const READ_ONLY_OPERATIONS: &[&str] = &[
    "GetCallerIdentity",
    "DescribeOrganization",
    "ListAccounts",
    "ListAWSServiceAccessForOrganization",
    "ListDelegatedAdministrators",
    "ListOrganizationsFeatures",
    "DescribeOrganizationalUnit",
    "ListParents",
    "ListOrganizationalUnitsForParent",
    "ListAccountsForParent",
    "ListRoots",
    "DescribeAccount",
    "ListPoliciesForTarget",
    "ListPolicies",
    "DescribePolicy",
    // Issues a session; changes no credential.
    "AssumeRoot",
    "GetLoginProfile",
    "ListMFADevices",
    "ListAccessKeys",
    "GetAccessKeyLastUsed",
    "ListSigningCertificates",
    "GetUser",
    "GetAccountSummary",
    // Issues a role session; changes nothing in the account.
    "AssumeRole",
    // Creates a report, but changes no user, credential or policy.
    "GenerateCredentialReport",
    "GetCredentialReport",
    "GetAccountAuthorizationDetails",
    "ListUsers",
    "ListGroupsForUser",
    "ListAttachedUserPolicies",
    "ListUserPolicies",
    "GetUserPolicy",
    "ListAttachedGroupPolicies",
    "ListSSHPublicKeys",
    "GetSSHPublicKey",
    "ListServiceSpecificCredentials",
    "ListUserTags",
    // Policy reads of the unlock sessions.
    "GetBucketPolicy",
    "GetQueueAttributes",
];

/// A running simulator process, killed on drop.
pub struct Sim {
    child: Child,
    url: String,
    seed: u64,
    access_key: String,
    secret: String,
    scenario: PathBuf,
    dir: tempfile::TempDir,
}

impl Sim {
    /// Serves the scenario file at `path`.
    pub fn start(path: impl AsRef<Path>) -> Sim {
        let dir = tempfile::tempdir().expect("temp dir");
        Self::spawn(path.as_ref().to_path_buf(), dir)
    }

    /// Serves a scenario given as TOML text (written to a temporary file).
    pub fn start_toml(text: &str) -> Sim {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("scenario.toml");
        std::fs::write(&path, text).expect("write scenario");
        Self::spawn(path, dir)
    }

    fn spawn(scenario: PathBuf, dir: tempfile::TempDir) -> Sim {
        let parsed = rootsweep::sim::Scenario::load(&scenario).expect("scenario for Sim is valid");
        let (key, secret) = parsed.management_access_key();
        let (access_key, secret) = (key.to_string(), secret.to_string());
        let ready = dir.path().join("ready");
        // The simulator's stderr (its `seed=` line, any warning) goes to a file shown on failure,
        // so passing tests stay quiet.
        let log = dir.path().join("stderr.log");
        let stderr = std::fs::File::create(&log).expect("simulator stderr file");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_rootsweep"));
        cmd.args(["sim", "serve", "--scenario"])
            .arg(&scenario)
            .args(["--listen", "127.0.0.1:0", "--ready-file"])
            .arg(&ready)
            .stdout(Stdio::null())
            .stderr(stderr);
        if let Some(seed) = replay_seed() {
            cmd.args(["--seed", &seed.to_string()]);
        }
        let mut child = cmd.spawn().expect("spawn rootsweep sim serve");
        let deadline = Instant::now() + Duration::from_secs(10);
        let url = loop {
            if let Ok(text) = std::fs::read_to_string(&ready) {
                if text.ends_with('\n') {
                    break text.trim().to_string();
                }
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!(
                    "rootsweep sim serve exited early with {status} ({}): {}",
                    seed_note(),
                    std::fs::read_to_string(&log).unwrap_or_default()
                );
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!(
                    "rootsweep sim serve did not write its ready file within 10 s ({}): {}",
                    seed_note(),
                    std::fs::read_to_string(&log).unwrap_or_default()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let seed = match get_json(&format!("{url}/_sim/seed"))["seed"].as_u64() {
            Some(seed) => seed,
            None => {
                let _ = child.kill();
                panic!("/_sim/seed names no seed");
            }
        };
        Sim {
            child,
            url,
            seed,
            access_key,
            secret,
            scenario,
            dir,
        }
    }

    /// Base URL, e.g. `http://127.0.0.1:4567`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The seed of this run; `ROOTSWEEP_SIM_SEED=<seed>` replays it.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Path of the scenario file being served.
    pub fn scenario_path(&self) -> &Path {
        &self.scenario
    }

    /// The management caller's access key id.
    pub fn access_key(&self) -> &str {
        &self.access_key
    }

    /// The management caller's secret access key.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// `GET /_sim/state`.
    pub fn state(&self) -> Value {
        self.get("state")
    }

    /// `GET /_sim/calls`: every request that reached the simulator's AWS endpoint.
    pub fn calls(&self) -> Vec<Value> {
        match self.get("calls") {
            Value::Array(calls) => calls,
            other => panic!("/_sim/calls is not an array: {other} (seed={})", self.seed),
        }
    }

    /// `GET /_sim/sessions`: every root session issued, secrets included.
    pub fn sessions(&self) -> Vec<Value> {
        match self.get("sessions") {
            Value::Array(sessions) => sessions,
            other => panic!(
                "/_sim/sessions is not an array: {other} (seed={})",
                self.seed
            ),
        }
    }

    /// Every logged call whose operation is not in [`READ_ONLY_OPERATIONS`], successful or
    /// not: the simulated credential changes, and any operation the simulator does not know.
    pub fn non_read_calls(&self) -> Vec<Value> {
        self.calls()
            .into_iter()
            .filter(|c| {
                let op = c["operation"].as_str().unwrap_or_default();
                !READ_ONLY_OPERATIONS.contains(&op)
            })
            .collect()
    }

    /// Same as [`Sim::non_read_calls`]: calls that may have changed something.
    pub fn mutating_calls(&self) -> Vec<Value> {
        self.non_read_calls()
    }

    /// The root user of one account in `/_sim/state`.
    pub fn root(&self, account: &str) -> Value {
        self.state()["accounts"][account]["root"].clone()
    }
}

/// Credentials for a raw request: an access key id and, for a root session, its token.
#[derive(Debug, Clone)]
pub struct Signer {
    /// Access key id (the simulator reads it from the `Authorization` header).
    pub key: String,
    /// `X-Amz-Security-Token`, for session credentials.
    pub token: Option<String>,
}

/// Raw wire access, for tests of what the simulator sends (signatures are not checked, so a
/// request only needs the SigV4 credential scope).
impl Sim {
    /// The management caller as a [`Signer`].
    pub fn management(&self) -> Signer {
        Signer {
            key: self.access_key.clone(),
            token: None,
        }
    }

    /// POSTs `body` with `headers`; returns the status and the body text.
    pub fn post(&self, signer: &Signer, headers: &[(&str, &str)], body: &str) -> (u16, String) {
        let auth = format!(
            "AWS4-HMAC-SHA256 Credential={}/20250101/us-east-1/svc/aws4_request, \
             SignedHeaders=host, Signature=0",
            signer.key
        );
        let mut req = ureq::post(&self.url)
            .timeout(Duration::from_secs(10))
            .set("Authorization", &auth);
        if let Some(token) = &signer.token {
            req = req.set("X-Amz-Security-Token", token);
        }
        for (name, value) in headers {
            req = req.set(name, value);
        }
        let response = match req.send_string(body) {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("POST {}: {e} (seed={})", self.url, self.seed),
        };
        let status = response.status();
        let text = response.into_string().unwrap_or_else(|e| {
            panic!(
                "POST {}: unreadable body: {e} (seed={})",
                self.url, self.seed
            )
        });
        (status, text)
    }

    /// An awsQuery call (STS `2011-06-15` or IAM `2010-05-08`) with form-encoded `params`.
    pub fn query(
        &self,
        signer: &Signer,
        version: &str,
        action: &str,
        params: &[(&str, &str)],
    ) -> (u16, String) {
        let mut form = form_urlencoded::Serializer::new(String::new());
        form.append_pair("Action", action)
            .append_pair("Version", version);
        for (k, v) in params {
            form.append_pair(k, v);
        }
        let ct = [("Content-Type", "application/x-www-form-urlencoded")];
        self.post(signer, &ct, &form.finish())
    }

    /// An Organizations (awsJson1.1) call as the management caller.
    pub fn organizations(&self, op: &str, body: &Value) -> (u16, Value) {
        let target = format!("AWSOrganizationsV20161128.{op}");
        let headers = [
            ("X-Amz-Target", target.as_str()),
            ("Content-Type", "application/x-amz-json-1.1"),
        ];
        let (status, text) = self.post(&self.management(), &headers, &body.to_string());
        let json = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{op}: invalid JSON {text:?}: {e} (seed={})", self.seed));
        (status, json)
    }

    /// A root session in `account` under the root-task policy `policy` (e.g.
    /// `IAMAuditRootUserCredentials`), issued to the management caller.
    pub fn assume_root(&self, account: &str, policy: &str) -> Signer {
        let arn = format!("arn:aws:iam::aws:policy/root-task/{policy}");
        let (status, xml) = self.query(
            &self.management(),
            "2011-06-15",
            "AssumeRoot",
            &[("TargetPrincipal", account), ("TaskPolicyArn.arn", &arn)],
        );
        assert_eq!(
            status, 200,
            "AssumeRoot {account}: {xml} (seed={})",
            self.seed
        );
        let key = xml_text(&xml, "AccessKeyId")
            .unwrap_or_else(|| panic!("no AccessKeyId in {xml} (seed={})", self.seed));
        Signer {
            key: key.to_string(),
            token: xml_text(&xml, "SessionToken").map(str::to_string),
        }
    }

    fn get(&self, endpoint: &str) -> Value {
        let url = format!("{}/_sim/{endpoint}", self.url);
        try_get_json(&url).unwrap_or_else(|e| panic!("{e} (seed={})", self.seed))
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let log = std::fs::read_to_string(self.dir.path().join("stderr.log"));
            eprintln!(
                "simulator seed={seed}; replay with {SEED_ENV}={seed}\nsimulator stderr:\n{}",
                log.unwrap_or_default(),
                seed = self.seed
            );
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The text of the first `<name>` element of an XML document (no entities decoded).
pub fn xml_text<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}>");
    let start = xml.find(&open)? + open.len();
    let len = xml[start..].find(&format!("</{name}>"))?;
    Some(&xml[start..start + len])
}

/// Which seed a simulator that failed to start was asked for.
fn seed_note() -> String {
    match replay_seed() {
        Some(seed) => format!("seed={seed} from {SEED_ENV}"),
        None => "seed from the scenario or random".to_string(),
    }
}

/// The seed to replay from `ROOTSWEEP_SIM_SEED`, if set.
fn replay_seed() -> Option<u64> {
    let text = std::env::var(SEED_ENV).ok()?;
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    Some(
        text.parse()
            .unwrap_or_else(|e| panic!("{SEED_ENV}={text:?} is not a seed: {e}")),
    )
}

fn try_get_json(url: &str) -> Result<Value, String> {
    ureq::get(url)
        .timeout(Duration::from_secs(10))
        .call()
        .map_err(|e| format!("GET {url}: {e}"))?
        .into_json()
        .map_err(|e| format!("GET {url}: invalid JSON: {e}"))
}

fn get_json(url: &str) -> Value {
    try_get_json(url).unwrap_or_else(|e| panic!("{e}"))
}
