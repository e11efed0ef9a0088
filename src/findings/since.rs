//! What changed since an earlier findings file of the same command: each failing finding new or
//! still open, each finding that failed then and passes now resolved, and the accounts that
//! joined or left. [`compare`] and [`line`] are pure; [`previous`] only lists a folder.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The changes between two findings files, as `findings-<UTC>.since.json` holds them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Changes {
    /// The earlier findings file.
    pub since_file: String,
    /// When its run started, `YYYY-MM-DD HH:MM UTC` (empty: it has no finding to say).
    pub since: String,
    /// uids failing now that did not fail then (or were not there).
    pub new: Vec<String>,
    /// uids failing then and now.
    pub still_open: Vec<String>,
    /// uids failing then and passing now.
    pub resolved: Vec<String>,
    /// Accounts with findings now and none then.
    pub accounts_joined: Vec<String>,
    /// Accounts with findings then and none now.
    pub accounts_left: Vec<String>,
}

/// What a comparison needs of one finding, read from a findings file (every other attribute
/// skipped, so a large file is never held whole).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(from = "Wire")]
pub struct Seen {
    /// `finding_info.uid`.
    pub uid: String,
    /// `status_code`: `PASS`, `FAIL` or `UNKNOWN`.
    pub code: String,
    /// `cloud.account.uid`.
    pub account: String,
    /// `time`: when its run started, milliseconds since the epoch.
    pub time: i64,
    /// `metadata.product.feature.name`: the command that wrote it.
    pub command: String,
}

/// The attributes of a finding [`Seen`] keeps, as OCSF nests them.
#[derive(Default, Deserialize)]
#[serde(default)]
struct Wire {
    time: i64,
    status_code: String,
    finding_info: Uid,
    cloud: Cloud,
    metadata: Metadata,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct Uid {
    uid: String,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct Cloud {
    account: Uid,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct Metadata {
    product: Product,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct Product {
    feature: Feature,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct Feature {
    name: String,
}

impl From<Wire> for Seen {
    fn from(w: Wire) -> Seen {
        Seen {
            uid: w.finding_info.uid,
            code: w.status_code,
            account: w.cloud.account.uid,
            time: w.time,
            command: w.metadata.product.feature.name,
        }
    }
}

/// uid → status code, and the accounts, of a findings file's findings.
fn index(findings: &[Seen]) -> (BTreeMap<&str, &str>, BTreeSet<&str>) {
    let mut codes = BTreeMap::new();
    let mut accounts = BTreeSet::new();
    for f in findings {
        if !f.uid.is_empty() && !f.code.is_empty() {
            codes.insert(f.uid.as_str(), f.code.as_str());
        }
        if !f.account.is_empty() {
            accounts.insert(f.account.as_str());
        }
    }
    (codes, accounts)
}

/// `YYYY-MM-DD HH:MM UTC` of milliseconds since the epoch.
fn minute(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .map(|t| {
            format!(
                "{:04}-{:02}-{:02} {:02}:{:02} UTC",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute()
            )
        })
        .unwrap_or_default()
}

/// The changes from `before` (the findings of `since_file`) to `now`.
pub fn compare(since_file: &str, before: &[Seen], now: &[Seen]) -> Changes {
    let (was, had) = index(before);
    let (is, has) = index(now);
    let mut c = Changes {
        since_file: since_file.to_string(),
        since: before
            .first()
            .filter(|f| f.time != 0)
            .map(|f| minute(f.time))
            .unwrap_or_default(),
        ..Changes::default()
    };
    for (uid, code) in &is {
        match (was.get(uid).copied(), *code) {
            (Some("FAIL"), "FAIL") => c.still_open.push(uid.to_string()),
            (_, "FAIL") => c.new.push(uid.to_string()),
            (Some("FAIL"), "PASS") => c.resolved.push(uid.to_string()),
            _ => {}
        }
    }
    c.accounts_joined = has.difference(&had).map(|a| a.to_string()).collect();
    c.accounts_left = had.difference(&has).map(|a| a.to_string()).collect();
    c
}

/// The closing line: `since 2026-11-20 10:02 UTC: 3 new, 1 still open, 2 resolved, 1 account
/// joined (222222222216)`.
pub fn line(c: &Changes) -> String {
    let when = if c.since.is_empty() {
        c.since_file.as_str()
    } else {
        c.since.as_str()
    };
    let mut out = format!(
        "since {when}: {} new, {} still open, {} resolved",
        c.new.len(),
        c.still_open.len(),
        c.resolved.len()
    );
    for (ids, verb) in [(&c.accounts_joined, "joined"), (&c.accounts_left, "left")] {
        if !ids.is_empty() {
            let noun = if ids.len() == 1 {
                "account"
            } else {
                "accounts"
            };
            out.push_str(&format!(
                ", {} {noun} {verb} ({})",
                ids.len(),
                ids.join(", ")
            ));
        }
    }
    out
}

/// The newest findings file in `dir` named before `findings-<run_id>.ocsf.json` that one of
/// `commands` wrote, with its findings.
pub fn previous(dir: &Path, commands: &[&str], run_id: &str) -> Option<(PathBuf, Vec<Seen>)> {
    let current = format!("findings-{run_id}.ocsf.json");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with("findings-") && n.ends_with(".ocsf.json") && *n < current)
        .collect();
    names.sort();
    names.into_iter().rev().find_map(|name| {
        let path = dir.join(name);
        let findings = read(&path).ok()?;
        let by = findings.first()?.command.as_str();
        commands.contains(&by).then_some((path, findings))
    })
}

/// The findings of the findings file at `path`, read as it streams in.
pub fn read(path: &Path) -> std::io::Result<Vec<Seen>> {
    let file = std::io::BufReader::new(std::fs::File::open(path)?);
    serde_json::from_reader(file).map_err(std::io::Error::other)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn f(uid: &str, account: &str, code: &str) -> Seen {
        serde_json::from_value(json!({
            "time": 1_795_600_920_000_i64,
            "status_code": code,
            "finding_info": { "uid": uid },
            "cloud": { "account": { "uid": account } },
            "metadata": { "product": { "feature": { "name": "audit" } } },
            "severity": "High",
        }))
        .expect("a finding reads as seen")
    }

    #[test]
    fn each_failing_finding_is_new_or_still_open_and_a_pass_after_a_failure_is_resolved() {
        let before = [
            f("a", "1", "FAIL"),
            f("b", "1", "FAIL"),
            f("c", "2", "PASS"),
        ];
        let now = [
            f("a", "1", "FAIL"),
            f("b", "1", "PASS"),
            f("d", "3", "FAIL"),
        ];
        let c = compare("old.json", &before, &now);
        assert_eq!(
            (c.new.clone(), c.still_open.clone()),
            (vec!["d".to_string()], vec!["a".to_string()])
        );
        assert_eq!(c.resolved, ["b"]);
        assert_eq!(
            (c.accounts_joined.clone(), c.accounts_left.clone()),
            (vec!["3".to_string()], vec!["2".to_string()])
        );
        assert_eq!(
            line(&c),
            "since 2026-11-25 10:02 UTC: 1 new, 1 still open, 1 resolved, 1 account joined (3), 1 account left (2)"
        );
        assert_eq!(now[0].command, "audit");
        assert_eq!(now[0].time, 1_795_600_920_000);
    }
}
