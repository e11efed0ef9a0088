//! The ideal bound: the shortest run the scenario's latencies allow, from the simulator's
//! `/_sim/state` read before the run. Pure arithmetic; it makes no call.

use serde::de::IgnoredAny;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Accounts per ListAccounts page (the API's maximum, which rootsweep asks for).
const PAGE_SIZE: usize = 20;
/// Entities per GetAccountAuthorizationDetails page (the API's default `MaxItems`).
const DETAILS_PAGE_SIZE: usize = 100;
/// `users audit`'s default stale period, days.
const STALE_DAYS: i64 = 90;
/// Users of one account whose unrecorded credentials rootsweep lists at the same time.
const CREDENTIAL_READS: usize = 4;
/// `users deactivate`'s default `--unused-days`.
pub const UNUSED_DAYS: i64 = 45;

/// Added latency per call, milliseconds (the scenario's `[latency]`).
#[derive(Debug, Clone, Copy)]
pub struct Latency {
    /// `ListAccounts`.
    pub list_accounts_ms: u64,
    /// `AssumeRoot`.
    pub assume_root_ms: u64,
    /// Every IAM call.
    pub iam_ms: u64,
    /// `AssumeRole`.
    pub assume_role_ms: u64,
}

/// `/_sim/state`, only the fields the bound needs.
#[derive(Debug, Deserialize)]
pub struct State {
    organization: StateOrganization,
    #[serde(default)]
    ous: Vec<StateOu>,
    accounts: BTreeMap<String, StateAccount>,
}

#[derive(Debug, Deserialize)]
struct StateOu {
    id: String,
    parent: String,
}

#[derive(Debug, Deserialize)]
struct StateOrganization {
    management_account: String,
}

#[derive(Debug, Deserialize)]
struct StateAccount {
    state: String,
    #[serde(default)]
    parent: String,
    root: StateRoot,
    #[serde(default)]
    roles: Vec<String>,
    #[serde(default)]
    users: BTreeMap<String, StateUser>,
    #[serde(default)]
    groups: BTreeMap<String, IgnoredAny>,
}

/// An IAM user: what its credential report row says of its use and issuance.
#[derive(Debug, Default, Deserialize)]
struct StateUser {
    #[serde(default)]
    created: String,
    #[serde(default)]
    password: Option<StateCredential>,
    #[serde(default)]
    access_keys: Vec<StateCredential>,
}

/// A password or access key: when it was set or created, and last used (a key's status too; a
/// password has none).
#[derive(Debug, Default, Deserialize)]
struct StateCredential {
    #[serde(default)]
    created: String,
    #[serde(default)]
    last_used: Option<String>,
    #[serde(default)]
    status: String,
}

/// An RFC 3339 time, when it is one.
fn parse(t: &str) -> Option<time::OffsetDateTime> {
    time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok()
}

impl StateUser {
    /// Whether every recorded use and issuance is at least the stale period before `now`: the
    /// users whose SSH keys and service-specific credentials `users audit` must list.
    fn stale_by_records(&self, now: time::OffsetDateTime) -> bool {
        let Some(created) = parse(&self.created) else {
            return false;
        };
        let times = self
            .password
            .iter()
            .chain(&self.access_keys)
            .flat_map(|c| [Some(c.created.as_str()), c.last_used.as_deref()])
            .flatten()
            .filter_map(parse);
        let latest = times.fold(created, |a, b| a.max(b));
        now - latest >= time::Duration::days(STALE_DAYS)
    }

    /// Whether the credential report shows an active access key: the users whose keys
    /// `users deactivate` reads for its plan.
    fn has_active_key(&self) -> bool {
        self.access_keys.iter().any(|k| k.status == "Active")
    }

    /// Active access keys unused for `days` or more at `now` (their last use, or, never used,
    /// their creation, in whole days): what `users deactivate` sets `Inactive` by default.
    fn unused_keys(&self, now: time::OffsetDateTime, days: i64) -> usize {
        let age = |t: &str| parse(t).map(|t| (now - t).whole_seconds().div_euclid(86_400));
        self.access_keys
            .iter()
            .filter(|k| k.status == "Active")
            .filter(|k| {
                let from = k.last_used.as_deref().unwrap_or(&k.created);
                age(from).is_some_and(|d| d >= days)
            })
            .count()
    }
}

#[derive(Debug, Deserialize)]
struct StateRoot {
    login_profile: Option<IgnoredAny>,
    mfa_devices: Vec<IgnoredAny>,
    access_keys: Vec<IgnoredAny>,
    signing_certificates: Vec<IgnoredAny>,
}

/// The bound and its parts, seconds.
#[derive(Debug, Clone, Copy, Default)]
pub struct Bound {
    /// Accounts rootsweep audits (ACTIVE members; not the management account).
    pub audited: usize,
    /// The shortest enumeration: sequential ListAccounts pages × their latency, or, when the
    /// organization has OUs and that is shorter, the tree walk's (see [`walk`]).
    pub enumeration: f64,
    /// Enumeration plus the shortest single-account audit path (the last page's accounts
    /// cannot start before it arrives).
    pub serial: f64,
    /// The first listing page: no account is known before one answers.
    pub first_listing: f64,
    /// The first listing page, then the sum of the audit paths divided by the concurrency.
    pub parallel: f64,
    /// AssumeRoot calls needed divided by the throttle's rate (0 when unthrottled).
    pub throttle: f64,
    /// The full ListAccounts pass that reconciles the walk (every page, sequential): the listing
    /// is complete only when it ends, so no run ends before it.
    pub reconcile: f64,
    /// The audit's bound: the largest of the three.
    pub audit: f64,
    /// The delete phase's bound (0 for an audit).
    pub delete: f64,
    /// Accounts the delete phase changes (`delete`; `users deactivate`: accounts with a
    /// credential to deactivate).
    pub eligible: usize,
    /// Credentials `users deactivate` sets `Inactive` (0 for the other commands).
    pub credentials: usize,
    /// Accounts a users audit cannot read (no member role): expected `unknown`.
    pub unreadable: usize,
    /// GetAccountAuthorizationDetails pages after each read account's first (users audit).
    pub extra_detail_pages: usize,
    /// Users whose unrecorded credentials a users audit lists (two calls each, side by side):
    /// those every recorded use and issuance makes stale.
    pub credential_listings: usize,
}

impl Bound {
    /// The whole run's bound.
    pub fn total(&self) -> f64 {
        self.audit + self.delete
    }
}

/// The audit bound for `state` at `concurrency`, with AssumeRoot limited to `assume_root_rps`.
pub fn audit(
    state: &State,
    latency: Latency,
    concurrency: usize,
    assume_root_rps: Option<f64>,
) -> Bound {
    let ms = |n: u64| n as f64 / 1000.0;
    let c = concurrency.max(1) as f64;
    let paths: Vec<f64> = audited(state)
        .map(|root| {
            // GetAccessKeyLastUsed waits for ListAccessKeys; the other checks run beside them.
            let iam_chain = if root.access_keys.is_empty() { 1 } else { 2 };
            ms(latency.assume_root_ms) + iam_chain as f64 * ms(latency.iam_ms)
        })
        .collect();
    let enumeration = enumeration(state, latency);
    let shortest = paths.iter().copied().fold(f64::INFINITY, f64::min);
    let serial = enumeration + if shortest.is_finite() { shortest } else { 0.0 };
    let parallel = first_listing(latency) + paths.iter().sum::<f64>() / c;
    let throttle = assume_root_rps.map_or(0.0, |rps| paths.len() as f64 / rps);
    Bound {
        audited: paths.len(),
        enumeration,
        first_listing: first_listing(latency),
        serial,
        parallel,
        throttle,
        reconcile: reconcile(state, latency),
        audit: serial
            .max(parallel)
            .max(throttle)
            .max(reconcile(state, latency)),
        delete: 0.0,
        eligible: 0,
        credentials: 0,
        unreadable: 0,
        extra_detail_pages: 0,
        credential_listings: 0,
    }
}

/// The `users audit` bound: every ACTIVE account, the management account included (read with the
/// caller's own credentials, no AssumeRole). Per member: AssumeRole, then beside each other the
/// credential report (GenerateCredentialReport answering COMPLETE, GetCredentialReport: two IAM
/// calls) and the authorization details (one IAM call per page); then, for the users every
/// recorded use and issuance makes stale (at `now`), their SSH keys and service-specific
/// credentials, listed side by side, [`CREDENTIAL_READS`] users at a time. A member without
/// `role` costs its failed AssumeRole only.
pub fn users_audit(
    state: &State,
    latency: Latency,
    concurrency: usize,
    role: &str,
    now: time::OffsetDateTime,
) -> Bound {
    users_read(state, latency, concurrency, role, now, |_| 0.0)
}

/// The `users deactivate` bound (default flags: access keys only): its read stage is the users
/// audit plus, in each readable account with a user whose report row shows an active access key,
/// the plan's fresh read of those keys — ListAccessKeys, then GetAccessKeyLastUsed, every such
/// user side by side (two IAM calls). Then the change phase, once every account is planned: per
/// account with an access key unused for [`UNUSED_DAYS`] or more, a change session (AssumeRole;
/// none in the caller's own account) and, one credential after the other as rootsweep changes
/// them, three IAM calls each — the re-check (ListAccessKeys beside GetAccessKeyLastUsed), the
/// UpdateAccessKey, and one verifying ListAccessKeys (IAM is consistent in these scenarios, so
/// the first read proves it). The undo record's write before each change is local and costs no
/// call. The phase takes the longest account, or the sum of the accounts / C.
pub fn users_deactivate(
    state: &State,
    latency: Latency,
    concurrency: usize,
    role: &str,
    now: time::OffsetDateTime,
) -> Bound {
    let ms = |n: u64| n as f64 / 1000.0;
    let iam = ms(latency.iam_ms);
    let plan_read = |a: &StateAccount| {
        if a.users.values().any(StateUser::has_active_key) {
            2.0 * iam
        } else {
            0.0
        }
    };
    let mut bound = users_read(state, latency, concurrency, role, now, plan_read);
    let management = state.organization.management_account.as_str();
    let mut credentials = 0;
    let paths: Vec<f64> = readable(state, role)
        .filter_map(|(id, a)| {
            let n: usize = a
                .users
                .values()
                .map(|u| u.unused_keys(now, UNUSED_DAYS))
                .sum();
            credentials += n;
            let session = if id.as_str() == management {
                0.0
            } else {
                ms(latency.assume_role_ms)
            };
            (n > 0).then_some(session + 3.0 * n as f64 * iam)
        })
        .collect();
    let longest = paths.iter().copied().fold(0.0, f64::max);
    bound.delete = longest.max(paths.iter().sum::<f64>() / concurrency.max(1) as f64);
    bound.eligible = paths.len();
    bound.credentials = credentials;
    bound
}

/// The accounts a users job reads: ACTIVE, and the management account or a member with `role`.
fn readable<'s>(
    state: &'s State,
    role: &'s str,
) -> impl Iterator<Item = (&'s String, &'s StateAccount)> {
    let management = state.organization.management_account.as_str();
    state.accounts.iter().filter(move |(id, a)| {
        a.state == "ACTIVE" && (id.as_str() == management || a.roles.iter().any(|r| r == role))
    })
}

/// The read stage of a users job (see [`users_audit`]), each readable account's path lengthened
/// by `plan(account)` seconds: what the job reads beyond the audit for its plan.
fn users_read(
    state: &State,
    latency: Latency,
    concurrency: usize,
    role: &str,
    now: time::OffsetDateTime,
    plan: impl Fn(&StateAccount) -> f64,
) -> Bound {
    let ms = |n: u64| n as f64 / 1000.0;
    let c = concurrency.max(1) as f64;
    let management = state.organization.management_account.as_str();
    let (mut unreadable, mut extra_detail_pages, mut own) = (0, 0, 0.0);
    let mut credential_listings = 0;
    let paths: Vec<f64> = state
        .accounts
        .iter()
        .filter(|(_, a)| a.state == "ACTIVE")
        .map(|(id, a)| {
            let own_account = id.as_str() == management;
            let assume = if own_account {
                0.0
            } else {
                ms(latency.assume_role_ms)
            };
            if !own_account && !a.roles.iter().any(|r| r == role) {
                unreadable += 1;
                return assume;
            }
            let pages = (a.users.len() + a.groups.len())
                .div_ceil(DETAILS_PAGE_SIZE)
                .max(1);
            extra_detail_pages += pages - 1;
            let listed = a.users.values().filter(|u| u.stale_by_records(now)).count();
            credential_listings += listed;
            let rounds = listed.div_ceil(CREDENTIAL_READS);
            let path = assume + (pages.max(2) + rounds) as f64 * ms(latency.iam_ms) + plan(a);
            if own_account {
                own = path;
            }
            path
        })
        .collect();
    let enumeration = enumeration(state, latency);
    let shortest = paths.iter().copied().fold(f64::INFINITY, f64::min);
    let serial = enumeration + if shortest.is_finite() { shortest } else { 0.0 };
    // The caller's own account needs no listing: it may be read before the first page.
    let total = paths.iter().sum::<f64>();
    let parallel = (total / c).max(first_listing(latency) + (total - own) / c);
    Bound {
        audited: paths.len(),
        enumeration,
        first_listing: first_listing(latency),
        serial,
        parallel,
        throttle: 0.0,
        reconcile: reconcile(state, latency),
        audit: serial.max(parallel).max(reconcile(state, latency)),
        delete: 0.0,
        eligible: 0,
        credentials: 0,
        unreadable,
        extra_detail_pages,
        credential_listings,
    }
}

/// The audit bound plus the delete phase's: per eligible account, a delete session, the re-check
/// (parallel lists), DeleteLoginProfile, one DeactivateMFADevice per device (sequential), a
/// verify session and its checks (parallel).
pub fn delete(state: &State, latency: Latency, concurrency: usize) -> Bound {
    let ms = |n: u64| n as f64 / 1000.0;
    let mut bound = audit(state, latency, concurrency, None);
    let paths: Vec<f64> = audited(state)
        .filter(|root| {
            root.access_keys.is_empty()
                && root.signing_certificates.is_empty()
                && (root.login_profile.is_some() || !root.mfa_devices.is_empty())
        })
        .map(|root| {
            let iam_steps = 2 + usize::from(root.login_profile.is_some()) + root.mfa_devices.len();
            2.0 * ms(latency.assume_root_ms) + iam_steps as f64 * ms(latency.iam_ms)
        })
        .collect();
    let longest = paths.iter().copied().fold(0.0, f64::max);
    bound.delete = longest.max(paths.iter().sum::<f64>() / concurrency.max(1) as f64);
    bound.eligible = paths.len();
    bound
}

/// When the first account can be known at the earliest: every listing (ListAccounts, or the walk's
/// ListRoots) is an Organizations page, and no account id is known before one answers. Every
/// audit that needs a listed account therefore runs after it; with concurrency C the audits then
/// need at least the sum of their paths / C more.
fn first_listing(latency: Latency) -> f64 {
    latency.list_accounts_ms as f64 / 1000.0
}

/// The full ListAccounts pass: every page in sequence (it runs from the start, beside the walk).
fn reconcile(state: &State, latency: Latency) -> f64 {
    let pages = state.accounts.len().div_ceil(PAGE_SIZE).max(1);
    pages as f64 * latency.list_accounts_ms as f64 / 1000.0
}

/// The shortest enumeration the latencies allow: the ListAccounts chain, or the OU-tree walk
/// when the organization has OUs and the walk is shorter.
fn enumeration(state: &State, latency: Latency) -> f64 {
    let pages = state.accounts.len().div_ceil(PAGE_SIZE);
    let chain = pages as f64 * latency.list_accounts_ms as f64 / 1000.0;
    if state.ous.is_empty() {
        chain
    } else {
        chain.min(walk(state, latency))
    }
}

/// The tree walk with unbounded parallelism, every Organizations call taking the ListAccounts
/// latency: a parent at depth `d` (the root is 0) is known after ListRoots and one child-OU page
/// per level above it, `(1 + d)` calls; its accounts then take `ceil(n / 20)` sequential pages
/// (at least one). The walk ends with the parent that finishes last.
pub fn walk(state: &State, latency: Latency) -> f64 {
    let parent_of: BTreeMap<&str, &str> = state
        .ous
        .iter()
        .map(|o| (o.id.as_str(), o.parent.as_str()))
        .collect();
    let mut accounts: BTreeMap<&str, usize> =
        state.ous.iter().map(|o| (o.id.as_str(), 0)).collect();
    for a in state.accounts.values() {
        *accounts.entry(a.parent.as_str()).or_default() += 1;
    }
    let calls = accounts
        .iter()
        .map(|(parent, n)| 1 + depth(&parent_of, parent) + n.div_ceil(PAGE_SIZE).max(1))
        .max()
        .unwrap_or(0);
    calls as f64 * latency.list_accounts_ms as f64 / 1000.0
}

/// Levels between `id` and the root (0 for the root itself).
fn depth<'a>(parent_of: &BTreeMap<&'a str, &'a str>, mut id: &'a str) -> usize {
    let mut d = 0;
    while let Some(parent) = parent_of.get(id) {
        d += 1;
        id = parent;
    }
    d
}

impl State {
    /// The ids of the accounts a root audit reads (ACTIVE members).
    pub fn audited_ids(&self) -> Vec<String> {
        audited_accounts(self).map(|(id, _)| id.clone()).collect()
    }
}

/// Root users of the accounts rootsweep audits.
fn audited(state: &State) -> impl Iterator<Item = &StateRoot> {
    audited_accounts(state).map(|(_, a)| &a.root)
}

/// The accounts rootsweep audits: ACTIVE members (not the management account).
fn audited_accounts(state: &State) -> impl Iterator<Item = (&String, &StateAccount)> {
    let management = state.organization.management_account.as_str();
    state
        .accounts
        .iter()
        .filter(move |(id, a)| id.as_str() != management && a.state == "ACTIVE")
}
