//! What the fault actions that change the world do before the call runs (or instead of it):
//! a root access key appears, IAM users sign in, receive an SSH public key or a service-specific
//! credential, or the calling session expires. Each acts in the account the call acts in.

use crate::sim::world::credentials::{AccessKey, Certificate};
use crate::sim::world::directory::base36;
use crate::sim::world::state::World;
use crate::sim::world::user::ServiceCredential;
use time::OffsetDateTime;

/// The service of the credentials `add-service-credential` issues.
const SERVICE: &str = "codecommit.amazonaws.com";

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
    let Some(idx) = account.and_then(|a| world.account(a)) else {
        return;
    };
    let now = OffsetDateTime::now_utc();
    let mut state = world.lock();
    for user in &mut state.iam[idx].users {
        if let Some(profile) = &mut user.password {
            profile.password_last_used = Some(now);
        }
    }
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
[[accounts.users]]
name = "bob"
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
