//! What the fault actions that change the world do before the call runs (or instead of it):
//! a root access key appears, IAM users sign in, use their access keys, receive an SSH public
//! key or a service-specific credential, or the calling session expires. Each acts in the
//! account the call acts in.

use crate::sim::world::credentials::{AccessKey, Certificate};
use crate::sim::world::directory::base36;
use crate::sim::world::state::World;
use crate::sim::world::user::{ServiceCredential, User};
use time::OffsetDateTime;

/// The service of the credentials `add-service-credential` issues.
const SERVICE: &str = "codecommit.amazonaws.com";

/// Where `use-access-key` uses the keys: (service, region), as `GetAccessKeyLastUsed` names them.
const KEY_USE: (&str, &str) = ("s3", "us-east-1");

/// Runs `change` on every IAM user of the account (if simulated) with the time now.
fn every_user(
    world: &World,
    account: Option<&str>,
    mut change: impl FnMut(&mut User, OffsetDateTime),
) {
    let Some(idx) = account.and_then(|a| world.account(a)) else {
        return;
    };
    let now = OffsetDateTime::now_utc();
    let mut state = world.lock();
    for user in &mut state.iam[idx].users {
        change(user, now);
    }
}

/// `add-access-key`: an active root access key, created now.
pub(crate) fn add_access_key(world: &World, account: Option<&str>) {
    let Some(idx) = account.and_then(|a| world.account(a)) else {
        return;
    };
    let mut state = world.lock();
    let keys = &mut state.roots[idx].access_keys;
    let id = format!("AKIAF{}{:03}", world.accounts[idx].id, keys.len());
    keys.push(AccessKey {
        id,
        active: true,
        created: OffsetDateTime::now_utc(),
        last_used: None,
    });
}

/// `sign-in`: every IAM user of the account with a login profile signs in now.
pub(crate) fn sign_in(world: &World, account: Option<&str>) {
    every_user(world, account, |user, now| {
        if let Some(profile) = &mut user.password {
            profile.password_last_used = Some(now);
        }
    });
}

/// `use-access-key`: every active access key of every IAM user of the account is used now (in
/// S3, in us-east-1); inactive keys cannot be used and stay as they were.
pub(crate) fn use_access_key(world: &World, account: Option<&str>) {
    every_user(world, account, |user, now| {
        for key in user.access_keys.iter_mut().filter(|k| k.active) {
            let (service, region) = KEY_USE;
            key.last_used = Some((now, service.to_string(), region.to_string()));
        }
    });
}

/// `upload-ssh-key`: every IAM user of the account gets an active SSH public key uploaded now.
pub(crate) fn upload_ssh_key(world: &World, account: Option<&str>) {
    let Some(idx) = account.and_then(|a| world.account(a)) else {
        return;
    };
    let now = OffsetDateTime::now_utc();
    let account = &world.accounts[idx].id;
    let mut state = world.lock();
    let dir = &mut state.iam[idx];
    for i in 0..dir.users.len() {
        let id = format!("APKA{account}{}", base36(u64::from(dir.serial()), 4));
        dir.users[i].ssh_keys.push(Certificate {
            id,
            active: true,
            uploaded: now,
            body: None,
        });
    }
}

/// `add-service-credential`: every IAM user of the account gets an active CodeCommit
/// credential created now.
pub(crate) fn add_service_credential(world: &World, account: Option<&str>) {
    let Some(idx) = account.and_then(|a| world.account(a)) else {
        return;
    };
    let now = OffsetDateTime::now_utc();
    let account = &world.accounts[idx].id;
    let mut state = world.lock();
    let dir = &mut state.iam[idx];
    for i in 0..dir.users.len() {
        let id = format!("ACCA{account}{}", base36(u64::from(dir.serial()), 4));
        let user = &mut dir.users[i];
        user.service_credentials.push(ServiceCredential {
            id,
            service: SERVICE.to_string(),
            service_user_name: format!("{}-at-{account}", user.name),
            active: true,
            created: now,
        });
    }
}

/// `expire-session`: the session with access key `key` expires now, so this call and every
/// later one with it answers `ExpiredToken`.
pub(crate) fn expire_session(world: &World, key: &str) {
    if let Some(session) = world.lock().sessions.get_mut(key) {
        session.expires = OffsetDateTime::now_utc();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario::Scenario;
    use crate::sim::world::dice::Dice;
    use crate::sim::world::state::Grant;
    use std::sync::Arc;

    const SCENARIO: &str = r#"
[organization]
id = "o-a1b2c3d4e5"
management_account = "111111111111"

[[callers]]
access_key_id = "AKIAMANAGEMENT000001"
secret_access_key = "s"
account = "111111111111"

[[accounts]]
id = "222222222222"
[[accounts.users]]
name = "alice"
ssh_keys = [{}]
access_keys = [{ id = "AKIAALICEACTIVE00001", last_used_days_ago = 40, service = "iam", region = "eu-west-1" }, { id = "AKIAALICEINACTIVE001", active = false }]
[[accounts.users]]
name = "bob"
access_keys = [{ id = "AKIABOBNEVERUSED0001" }]
"#;

    fn world() -> World {
        let scenario = Scenario::from_toml_str(SCENARIO, "t.toml").expect("valid");
        scenario.world(Arc::new(Dice::new(1)))
    }

    #[test]
    fn every_user_of_the_account_gets_a_new_active_ssh_key_and_service_credential() {
        let world = world();
        upload_ssh_key(&world, Some("222222222222"));
        add_service_credential(&world, Some("222222222222"));
        upload_ssh_key(&world, Some("999999999999"));
        let state = world.lock();
        let users = &state.iam[1].users;
        let ssh: Vec<usize> = users.iter().map(|u| u.ssh_keys.len()).collect();
        assert_eq!(ssh, [2, 1]);
        let ids: Vec<&str> = users
            .iter()
            .flat_map(|u| u.ssh_keys.iter().map(|k| k.id.as_str()))
            .collect();
        assert!(
            ids[1] != ids[0] && ids[2] != ids[1] && ids.iter().all(|i| i.starts_with("APKA")),
            "{ids:?}"
        );
        let bob = &users[1].service_credentials[0];
        assert!(bob.active && bob.id.starts_with("ACCA"));
        assert_eq!(
            (bob.service.as_str(), bob.service_user_name.as_str()),
            (SERVICE, "bob-at-222222222222")
        );
        let age = OffsetDateTime::now_utc() - users[0].ssh_keys[1].uploaded;
        assert!(age.whole_seconds() < 5, "uploaded now: {age}");
    }

    #[test]
    fn every_active_access_key_of_the_account_is_used_now_in_s3_and_inactive_ones_are_not() {
        let world = world();
        use_access_key(&world, Some("222222222222"));
        use_access_key(&world, Some("999999999999"));
        let state = world.lock();
        let users = &state.iam[1].users;
        for key in [&users[0].access_keys[0], &users[1].access_keys[0]] {
            let (when, service, region) = key.last_used.as_ref().expect("used");
            let age = OffsetDateTime::now_utc() - *when;
            assert!(age.whole_seconds() < 5, "{}: used now: {age}", key.id);
            assert_eq!((service.as_str(), region.as_str()), ("s3", "us-east-1"));
        }
        let inactive = &users[0].access_keys[1];
        assert!(
            inactive.last_used.is_none(),
            "an inactive key is not used: {inactive:?}"
        );
    }

    #[test]
    fn an_expired_session_ends_now_and_other_sessions_do_not() {
        let world = world();
        let later = OffsetDateTime::now_utc() + time::Duration::hours(1);
        let role = || Grant::Role {
            role: "OrganizationAccountAccessRole".into(),
            session_name: "s".into(),
        };
        let (first, _, _) = world.new_session(1, role(), later);
        let (second, _, _) = world.new_session(1, role(), later);
        expire_session(&world, &first);
        let state = world.lock();
        assert!(state.sessions[&first].expires <= OffsetDateTime::now_utc());
        assert_eq!(state.sessions[&second].expires, later);
    }
}
