//! Which accounts a run targets: parsing ids and account files, and the pure per-account
//! decision (target it, or skip it and say why).

use crate::model::{Account, SkipReason};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// A target selection mistake; always reported before any AssumeRoot call.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    /// Not a 12-digit account id.
    #[error("{source_name}: `{id}` is not a 12-digit AWS account id")]
    MalformedId {
        /// Where the id came from (`--accounts`, or `FILE:LINE`).
        source_name: String,
        /// The offending text.
        id: String,
    },
    /// An accounts file with no ids in it.
    #[error("{}: the accounts file lists no account ids", .0.display())]
    EmptyFile(PathBuf),
    /// An accounts file that cannot be read.
    #[error("{}: cannot read the accounts file: {}", .0.display(), .1)]
    Unreadable(PathBuf, String),
    /// Ids that are not accounts of the organization.
    #[error("not accounts of this organization: {}", .0.join(", "))]
    NotInOrganization(Vec<String>),
    /// An OU id that is malformed or does not exist.
    #[error("organizational unit `{0}` does not exist in this organization")]
    UnknownOu(String),
    /// The management account, named for a job that never targets it.
    #[error("`{0}` is the organization's management account, which this command never targets (AssumeRoot works only on member accounts): remove it from the named accounts")]
    ManagementAccountNamed(String),
}

/// Checks one account id (exactly 12 ASCII digits).
///
/// ```
/// use rootsweep::targets::parse_account_id;
/// assert_eq!(parse_account_id("--accounts", " 123456789012 ").as_deref(), Ok("123456789012"));
/// assert!(parse_account_id("--accounts", "1234").is_err());
/// ```
pub fn parse_account_id(source_name: &str, text: &str) -> Result<String, Error> {
    let id = text.trim();
    if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) {
        Ok(id.to_string())
    } else {
        Err(Error::MalformedId {
            source_name: source_name.to_string(),
            id: id.to_string(),
        })
    }
}

/// Parses an accounts file: one id per line, `#` starts a comment, blank lines ignored.
pub fn parse_accounts_file(path: &Path, text: &str) -> Result<Vec<String>, Error> {
    let mut ids = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let content = line.split('#').next().unwrap_or("").trim();
        if content.is_empty() {
            continue;
        }
        let source = format!("{}:{}", path.display(), index + 1);
        ids.push(parse_account_id(&source, content)?);
    }
    if ids.is_empty() {
        return Err(Error::EmptyFile(path.to_path_buf()));
    }
    Ok(ids)
}

/// Reads and parses an accounts file.
pub fn read_accounts_file(path: &Path) -> Result<Vec<String>, Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::Unreadable(path.to_path_buf(), e.to_string()))?;
    parse_accounts_file(path, &text)
}

/// Checks an OU id's shape (`ou-` followed by the root part and the OU part).
pub fn valid_ou_id(id: &str) -> bool {
    let mut parts = id.split('-');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next()),
        (Some("ou"), Some(a), Some(b), None)
            if (4..=32).contains(&a.len()) && (8..=32).contains(&b.len())
            && a.bytes().chain(b.bytes()).all(|c| c.is_ascii_alphanumeric())
    )
}

/// The OU part of an Organizations `Paths` entry: `o-x/r-y/ou-a/ou-b/<id>/` → `r-y/ou-a/ou-b`.
///
/// ```
/// use rootsweep::targets::ou_path_from_path;
/// assert_eq!(
///     ou_path_from_path("o-a1b2c3d4e5/r-a1b2/ou-a1b2-prod0001/222222222201/", "222222222201"),
///     "r-a1b2/ou-a1b2-prod0001"
/// );
/// ```
pub fn ou_path_from_path(path: &str, account_id: &str) -> String {
    path.split('/')
        .filter(|part| !part.is_empty() && *part != account_id && !part.starts_with("o-"))
        .collect::<Vec<_>>()
        .join("/")
}

/// The resolved target filters for one run.
#[derive(Debug, Clone, Default)]
pub struct Selector {
    /// The organization's management account.
    pub management_account: String,
    /// Whether the management account is targeted (a job's property: the root job never
    /// targets it; the users job reads it with the caller's own credentials).
    pub include_management: bool,
    /// Only these ids, when given (`--accounts`, `--accounts-file`).
    pub only: Option<BTreeSet<String>>,
    /// Only accounts in these OU subtrees, when given (`--ou`): account id → OU path.
    pub ou_members: Option<HashMap<String, String>>,
    /// Never these ids (`--exclude`).
    pub exclude: BTreeSet<String>,
}

impl Selector {
    /// `Ok(())` to audit the account, or the reason it is skipped.
    pub fn decide(&self, account: &Account) -> Result<(), SkipReason> {
        if account.id == self.management_account && !self.include_management {
            return Err(SkipReason::ManagementAccount);
        }
        let selected = self
            .only
            .as_ref()
            .is_none_or(|ids| ids.contains(&account.id))
            && self
                .ou_members
                .as_ref()
                .is_none_or(|members| members.contains_key(&account.id))
            && !self.exclude.contains(&account.id);
        if !selected {
            return Err(SkipReason::NotSelected);
        }
        if !account.is_active() {
            return Err(SkipReason::NotActive(account.state.clone()));
        }
        Ok(())
    }

    /// The management account, when the run names it (`--accounts`, a file, an unlock or
    /// recover target) but never targets it: a usage error, since nothing would be done there.
    pub fn named_management(&self) -> Option<Error> {
        let named = self
            .only
            .as_ref()
            .is_some_and(|ids| ids.contains(&self.management_account));
        (named && !self.include_management)
            .then(|| Error::ManagementAccountNamed(self.management_account.clone()))
    }

    /// Whether `account` was named explicitly (`--accounts`, a file, an unlock or recover
    /// target) and `reason` keeps it from being processed: a promise the run cannot keep.
    pub fn named_but_skipped(&self, account: &str, reason: &SkipReason) -> bool {
        let named = self.only.as_ref().is_some_and(|ids| ids.contains(account));
        named
            && matches!(
                reason,
                SkipReason::ManagementAccount | SkipReason::NotActive(_)
            )
    }

    /// Ids named by `--accounts`/`--exclude` that are not in `known`, sorted.
    pub fn unknown_ids<'a>(&self, known: impl Iterator<Item = &'a str>) -> Vec<String> {
        let known: BTreeSet<&str> = known.collect();
        let named = self.only.iter().flatten().chain(self.exclude.iter());
        let mut missing: Vec<String> = named
            .filter(|id| !known.contains(id.as_str()))
            .cloned()
            .collect();
        missing.sort();
        missing.dedup();
        missing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(id: &str, state: &str) -> Account {
        Account {
            id: id.into(),
            name: "n".into(),
            email: "e".into(),
            state: state.into(),
            ou_path: String::new(),
            ou_ids: String::new(),
        }
    }

    #[test]
    fn account_ids_must_be_twelve_digits() {
        assert!(parse_account_id("--accounts", "123456789012").is_ok());
        for bad in ["12345678901", "1234567890123", "12345678901a", ""] {
            assert!(parse_account_id("--accounts", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn accounts_file_skips_comments_and_names_the_bad_line() {
        let path = Path::new("ids.txt");
        let ids = parse_accounts_file(path, "# prod\n123456789012 # app\n\n210987654321\n")
            .expect("valid file");
        assert_eq!(ids, vec!["123456789012", "210987654321"]);
        let err = parse_accounts_file(path, "123456789012\nnope\n").expect_err("bad line");
        assert_eq!(
            err.to_string(),
            "ids.txt:2: `nope` is not a 12-digit AWS account id"
        );
    }

    #[test]
    fn empty_accounts_file_is_an_error() {
        let err = parse_accounts_file(Path::new("ids.txt"), "# nothing\n\n").expect_err("empty");
        assert_eq!(err, Error::EmptyFile("ids.txt".into()));
    }

    #[test]
    fn ou_path_drops_the_organization_and_the_account() {
        assert_eq!(
            ou_path_from_path(
                "o-abc/r-ab12/ou-ab12-11111111/123456789012/",
                "123456789012"
            ),
            "r-ab12/ou-ab12-11111111"
        );
    }

    #[test]
    fn ou_ids_are_checked_for_shape() {
        assert!(valid_ou_id("ou-ab12-11111111"));
        assert!(!valid_ou_id("ou-ab12"));
        assert!(!valid_ou_id("r-ab12"));
    }

    #[test]
    fn management_inactive_excluded_and_unselected_accounts_are_skipped_with_reasons() {
        let selector = Selector {
            management_account: "111111111111".into(),
            only: Some(["222222222222".to_string(), "333333333333".to_string()].into()),
            ou_members: None,
            exclude: ["333333333333".to_string()].into(),
            include_management: false,
        };
        assert_eq!(
            selector.decide(&account("111111111111", "ACTIVE")),
            Err(SkipReason::ManagementAccount)
        );
        assert_eq!(selector.decide(&account("222222222222", "ACTIVE")), Ok(()));
        assert_eq!(
            selector.decide(&account("333333333333", "ACTIVE")),
            Err(SkipReason::NotSelected)
        );
        assert_eq!(
            selector.decide(&account("444444444444", "ACTIVE")),
            Err(SkipReason::NotSelected)
        );
        let open = Selector {
            management_account: "111111111111".into(),
            ..Selector::default()
        };
        assert_eq!(
            open.decide(&account("555555555555", "SUSPENDED")),
            Err(SkipReason::NotActive("SUSPENDED".into()))
        );
    }

    #[test]
    fn naming_the_management_account_for_a_job_that_never_targets_it_is_an_error() {
        let mut selector = Selector {
            management_account: "111111111111".into(),
            only: Some(["111111111111".to_string(), "222222222222".to_string()].into()),
            ..Selector::default()
        };
        assert_eq!(
            selector.named_management(),
            Some(Error::ManagementAccountNamed("111111111111".into()))
        );
        selector.include_management = true;
        assert_eq!(selector.named_management(), None);
        let unnamed = Selector {
            management_account: "111111111111".into(),
            only: Some(["222222222222".to_string()].into()),
            ..Selector::default()
        };
        assert_eq!(unnamed.named_management(), None);
        assert_eq!(Selector::default().named_management(), None);
    }

    #[test]
    fn a_named_account_left_out_for_its_state_is_a_broken_promise_a_filtered_one_is_not() {
        let selector = Selector {
            management_account: "111111111111".into(),
            only: Some(["222222222222".to_string()].into()),
            ..Selector::default()
        };
        let suspended = SkipReason::NotActive("SUSPENDED".into());
        assert!(selector.named_but_skipped("222222222222", &suspended));
        assert!(selector.named_but_skipped("222222222222", &SkipReason::ManagementAccount));
        assert!(!selector.named_but_skipped("222222222222", &SkipReason::NotSelected));
        assert!(!selector.named_but_skipped("222222222222", &SkipReason::Interrupted));
        assert!(!selector.named_but_skipped("333333333333", &suspended));
        assert!(!Selector::default().named_but_skipped("222222222222", &suspended));
    }

    #[test]
    fn a_job_that_reads_the_management_account_gets_it_and_still_skips_inactive_ones() {
        let selector = Selector {
            management_account: "111111111111".into(),
            include_management: true,
            ..Selector::default()
        };
        assert_eq!(selector.decide(&account("111111111111", "ACTIVE")), Ok(()));
        assert_eq!(
            selector.decide(&account("222222222222", "SUSPENDED")),
            Err(SkipReason::NotActive("SUSPENDED".into()))
        );
        let excluded = Selector {
            exclude: ["111111111111".to_string()].into(),
            ..selector
        };
        assert_eq!(
            excluded.decide(&account("111111111111", "ACTIVE")),
            Err(SkipReason::NotSelected)
        );
    }

    #[test]
    fn ids_outside_the_organization_are_listed() {
        let selector = Selector {
            only: Some(["222222222222".to_string(), "999999999999".to_string()].into()),
            exclude: ["888888888888".to_string()].into(),
            ..Selector::default()
        };
        let missing = selector.unknown_ids(["222222222222"].into_iter());
        assert_eq!(missing, vec!["888888888888", "999999999999"]);
    }
}
