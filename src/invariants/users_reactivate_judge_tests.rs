use super::*;
use crate::invariants::users_faulty::{Made, Seen};
use crate::invariants::Writes;
use crate::users::fake::Cred;
use crate::users::model::Call;
use std::time::Duration;

const A: &str = "222222222222";

/// Ana's access key is as the record left it (reactivated by the honest run); her SSH key is
/// `Active` again and Bob, whose key the record holds too, is gone (both refused); her
/// password was deleted (not reversible). The record was made 30 days ago.
struct Doctor {
    dir: tempfile::TempDir,
    ana: User,
    at: i64,
}

fn k(user: &str, kind: &str, id: &str) -> Key {
    creds::key(A, user, kind, id)
}

fn key() -> Key {
    k("ana", "access-key", "AKIAANA")
}

fn ssh() -> Key {
    k("ana", "ssh-public-key", "APKAANA0")
}

fn bob() -> Key {
    k("bob", "access-key", "AKIABOB")
}

fn password() -> Key {
    k("ana", "password", "")
}

fn update(user: &str, id: &str, active: bool) -> Call {
    Call::UpdateAccessKey {
        user: user.into(),
        id: id.into(),
        active,
    }
}

impl Doctor {
    fn new() -> Doctor {
        let ana = User {
            name: "ana".into(),
            created_days_ago: 400,
            key: Some(Some(100)),
            key_inactive: true,
            ssh_keys: vec![Cred::active("APKAANA0", 300)],
            ..User::default()
        };
        let at = NOW - 30 * 86_400;
        let doctor = Doctor {
            dir: tempfile::tempdir().expect("tempdir"),
            ana,
            at,
        };
        doctor.check_honest();
        doctor.change(&doctor.changed("reactivated", "yes"));
        doctor
    }

    /// The change report's rows, Ana's key `outcome` with `verified`.
    fn changed<'a>(&self, outcome: &'a str, verified: &'a str) -> [(Key, &'a str, &'a str); 4] {
        [
            (key(), outcome, verified),
            (ssh(), "refused", "n/a"),
            (bob(), "refused", "n/a"),
            (password(), "not-reversible", "n/a"),
        ]
    }

    /// Writes report `stem`, complete.
    fn write(&self, stem: &str, rows: &[(&Key, &str, &str)], csv: Option<&[(&Key, &str, &str)]>) {
        creds::write_rows(self.dir.path(), stem, rows, csv);
        let path = self.path(stem, "json");
        let text = std::fs::read_to_string(&path).expect("json");
        let mut doc: Value = serde_json::from_str(&text).expect("json");
        doc["complete"] = Value::Bool(true);
        std::fs::write(&path, doc.to_string()).expect("json");
    }

    fn change(&self, rows: &[(Key, &str, &str)]) {
        let rows: Vec<(&Key, &str, &str)> = rows.iter().map(|(k, o, v)| (k, *o, *v)).collect();
        self.write(CHANGE, &rows, None);
    }

    fn honest(&self) -> Observed {
        let wanted = [key(), ssh(), bob(), password()];
        let on = User {
            key_inactive: false,
            ..self.ana.clone()
        };
        let made = Made {
            account: A.into(),
            call: update("ana", "AKIAANA", true),
            before: Some(self.ana.clone()),
            record: "{}".into(),
            after_signal: false,
            confirmed: true,
        };
        let steps = [
            (&key(), None),
            (&ssh(), Some("Active")),
            (&bob(), Some("gone")),
        ];
        Observed {
            accounts: vec![A.into()],
            wanted: wanted.into_iter().map(|k| (k, self.at)).collect(),
            users: BTreeMap::from([((A.to_string(), "ana".to_string()), self.ana.clone())]),
            after: BTreeMap::from([
                ((A.to_string(), "ana".to_string()), Some(on)),
                ((A.to_string(), "bob".to_string()), None),
            ]),
            no_role: BTreeSet::new(),
            dry_run: false,
            skip_blocked: false,
            record: ("{}".into(), "{}".into()),
            ops: ["AssumeRole", "GetUser", "UpdateAccessKey", "GetUser"]
                .map(String::from)
                .to_vec(),
            ran: Ran {
                exit: 4,
                writes: Writes::default(),
                seen: Seen {
                    made: vec![made],
                    ..Seen::default()
                },
                plan: creds::plan_of(&[(A, "inactive", &steps)]),
                after_signal: None,
            },
        }
    }

    /// The check report of the honest world.
    fn check_honest(&self) {
        let check = [
            (&key(), "reactivatable", "n/a"),
            (&ssh(), "refused", "n/a"),
            (&bob(), "refused", "n/a"),
            (&password(), "not-reversible", "n/a"),
        ];
        self.write(CHECK, &check, None);
    }

    fn path(&self, stem: &str, ext: &str) -> std::path::PathBuf {
        let name = format!("{stem}-{}.{ext}", super::super::RUN_ID);
        self.dir.path().join(name)
    }

    /// No change report, as after a run that never reached the change stage.
    fn unchanged(&self) {
        std::fs::remove_file(self.path(CHANGE, "csv")).expect("csv");
        std::fs::remove_file(self.path(CHANGE, "json")).expect("json");
    }

    fn judged(&self, o: &Observed) -> Vec<String> {
        judge(o, self.dir.path())
    }

    fn catches(&self, o: &Observed, what: &str) {
        creds::caught(&self.judged(o), what);
    }

    /// The honest run with one more call.
    fn with(&self, call: Call, before: Option<User>) -> Observed {
        let mut o = self.honest();
        let made = Made {
            call,
            before,
            ..o.ran.seen.made[0].clone()
        };
        o.ran.seen.made.push(made);
        o
    }
}

#[test]
fn the_users_reactivate_checker_catches_each_broken_promise() {
    let d = Doctor::new();
    assert_eq!(
        d.judged(&d.honest()),
        Vec::<String>::new(),
        "the honest run"
    );
    let check =
        |rows: &[(&Key, &str, &str)], csv: Option<&[(&Key, &str, &str)]>| d.write(CHECK, rows, csv);
    let refused = (&ssh(), "refused", "n/a");
    let (gone, pw) = (
        (&bob(), "refused", "n/a"),
        (&password(), "not-reversible", "n/a"),
    );

    // The check report: a verdict the world does not give; a credential missing, twice, not
    // asked; CSV and JSON disagreeing; an account read though its read failed.
    let good = (&key(), "reactivatable", "n/a");
    check(&[(&key(), "refused", "n/a"), refused, gone, pw], None);
    d.catches(
        &d.honest(),
        "true: (\"222222222222\", \"ana\", \"access-key\"",
    );
    check(&[refused, gone, pw], None);
    d.catches(
        &d.honest(),
        "complete: (\"222222222222\", \"ana\", \"access-key\"",
    );
    check(&[good, good, refused, gone, pw], None);
    d.catches(
        &d.honest(),
        "complete: a credential twice in the users-reactivate-check",
    );
    let stranger = k("ana", "signing-certificate", "CERTANA0");
    check(
        &[good, refused, gone, pw, (&stranger, "refused", "n/a")],
        None,
    );
    d.catches(
        &d.honest(),
        "true: (\"222222222222\", \"ana\", \"signing-certificate\"",
    );
    check(&[good, refused, gone, pw], Some(&[good]));
    d.catches(
        &d.honest(),
        "complete: the users-reactivate-check CSV and JSON disagree",
    );
    check(&[good, refused, gone, pw], None);
    let mut o = d.honest();
    o.no_role.insert(A.into());
    d.catches(&o, "true: (\"222222222222\", \"ana\", \"access-key\"");
    d.catches(&o, "true: 222222222222 is inactive in the plan");

    // The plan: a step missing, a refusal missing, a wrong verdict, an account missing or
    // not a target.
    let plan = |entries: &[(&str, &str, &[creds::Step])]| {
        let mut o = d.honest();
        o.ran.plan = creds::plan_of(entries);
        o
    };
    let (kk, ss, bb) = (key(), ssh(), bob());
    d.catches(
        &plan(&[(A, "inactive", &[(&kk, None), (&ss, Some("Active"))])]),
        "complete: (\"222222222222\", \"bob\"",
    );
    let all = [(&kk, None), (&ss, None), (&bb, Some("gone"))];
    d.catches(
        &plan(&[(A, "inactive", &all)]),
        "true: (\"222222222222\", \"ana\", \"ssh",
    );
    let all = [(&kk, None), (&ss, Some("Active")), (&bb, Some("gone"))];
    d.catches(
        &plan(&[(A, "refused", &all)]),
        "true: 222222222222 is refused in the plan",
    );
    d.catches(&plan(&[]), "complete: 222222222222 is not in the plan");
    let other = [
        (A, "inactive", &all[..]),
        ("333333333333", "clean", &[][..]),
    ];
    d.catches(&plan(&other), "plan: 333333333333 planned, not a target");

    // Every call: in a dry run; not to Active; a password's; refused in the plan; not as the
    // record left it right before; not a step of the plan; after the signal; any other
    // operation; in an account whose read failed.
    let mut o = d.honest();
    o.dry_run = true;
    d.catches(&o, &format!("plan: {:?} changed without", key()));
    let on = User {
        key_inactive: false,
        ..d.ana.clone()
    };
    let o = d.with(update("ana", "AKIAANA", false), Some(on.clone()));
    d.catches(&o, &format!("plan: {:?} not set Active", key()));
    let o = d.with(
        Call::DeleteLoginProfile { user: "ana".into() },
        Some(on.clone()),
    );
    d.catches(
        &o,
        &format!("safe: {:?} changed, no reversible", password()),
    );
    let ssh_on = Call::UpdateSshPublicKey {
        user: "ana".into(),
        id: "APKAANA0".into(),
        active: true,
    };
    let o = d.with(ssh_on, Some(on.clone()));
    d.catches(&o, &format!("safe: {:?} changed, refused", ssh()));
    d.catches(&o, &format!("safe: {:?} changed while it is Active", ssh()));
    let mut o = d.honest();
    o.ran.seen.made[0].before = Some(User {
        key: Some(Some(3)),
        ..d.ana.clone()
    });
    d.catches(
        &o,
        &format!(
            "safe: {:?} changed while it was used after the record",
            key()
        ),
    );
    let (stray, carl) = (
        update("carl", "AKIACARL", true),
        k("carl", "access-key", "AKIACARL"),
    );
    let o = d.with(stray, None);
    d.catches(&o, &format!("plan: {:?} changed, not a step", carl));
    d.catches(&o, "safe: (\"222222222222\", \"carl\"");
    let mut o = d.honest();
    o.ran.seen.made[0].after_signal = true;
    d.catches(&o, &format!("ends: {:?} changed after the signal", key()));
    let mut o = d.honest();
    o.ops.push("CreateLoginProfile".into());
    d.catches(&o, "safe: CreateLoginProfile called");
    let mut o = d.honest();
    o.ran.seen.reads_failed.insert(A.into());
    d.catches(&o, "plan: a change in 222222222222 after a read failed");

    // The change report: reactivated though still inactive; refused though this run changed
    // it, or though nothing refuses it; a password not `not-reversible`; interrupted without
    // a signal; `verified` against the rule; a credential missing, not asked; an account
    // missing.
    let mut o = d.honest();
    o.after
        .insert((A.into(), "ana".into()), Some(d.ana.clone()));
    d.catches(&o, &format!("true: {:?} reported reactivated", key()));
    d.change(&d.changed("refused", "n/a"));
    d.catches(
        &d.honest(),
        &format!("true: {:?} was reactivated, reported refused", key()),
    );
    let mut o = d.honest();
    o.ran.seen.made.clear();
    o.after
        .insert((A.into(), "ana".into()), Some(d.ana.clone()));
    d.catches(&o, &format!("true: {:?} reported refused", key()));
    d.change(&d.changed("interrupted", "no"));
    d.catches(
        &d.honest(),
        &format!("true: {:?} reported interrupted", key()),
    );
    d.change(&d.changed("reactivated", "n/a"));
    d.catches(
        &d.honest(),
        &format!("true: {:?} reactivated with verified=n/a", key()),
    );
    let mut rows = d.changed("reactivated", "yes");
    rows[3].1 = "refused";
    d.change(&rows);
    d.catches(
        &d.honest(),
        &format!("true: {:?} reported refused", password()),
    );
    d.change(&d.changed("reactivated", "yes")[1..]);
    d.catches(
        &d.honest(),
        &format!("complete: {:?} planned, not in the report", key()),
    );
    d.catches(
        &d.honest(),
        &format!("complete: {:?} reactivated, not in the report", key()),
    );
    let mut rows = d.changed("reactivated", "yes").to_vec();
    rows.push((stranger.clone(), "refused", "n/a"));
    d.change(&rows);
    d.catches(
        &d.honest(),
        &format!("true: {:?} reported, not asked", stranger),
    );
    d.change(&d.changed("reactivated", "yes"));
    let mut o = d.honest();
    o.accounts.push("333333333333".into());
    d.catches(&o, "complete: 333333333333 planned, not in the report");
    let mut o = d.honest();
    o.ran.seen.made.clear();
    o.dry_run = true;
    d.catches(
        &o,
        "plan: a users-reactivate report though the run was to change nothing",
    );

    // Recorded: the record changed by the run; a change with no change report.
    let mut o = d.honest();
    o.record.1 = "{\"credentials\":[]}".into();
    d.catches(&o, "recorded: the run changed the undo record");
    d.unchanged();
    let mut o = d.honest();
    o.ran.writes = Writes(vec![d.path(CHANGE, "csv")]);
    o.ran.exit = 1;
    d.catches(
        &o,
        "recorded: credentials reactivated with no users-reactivate report",
    );
    d.change(&d.changed("reactivated", "yes"));

    // Complete only when nothing stopped the run, and then complete.
    let path = d.path(CHANGE, "json");
    let text = std::fs::read_to_string(&path).expect("json");
    std::fs::write(
        &path,
        text.replace("\"complete\":true", "\"complete\":false"),
    )
    .expect("json");
    d.catches(
        &d.honest(),
        "complete: the users-reactivate report is incomplete though nothing stopped",
    );
}

#[test]
fn the_users_reactivate_checker_holds_the_exit_to_the_readmes_merge() {
    let d = Doctor::new();
    let (kk, ss, bb) = (key(), ssh(), bob());
    let on = User {
        key_inactive: false,
        ..d.ana.clone()
    };

    // The exit: not the README's merge (4 for a refusal beside a reactivation; 3 while an
    // account is blocked without `--skip-blocked`, 0 with it; 4 for an unknown account in a
    // dry run); not 130 after a signal; a report complete after it; an end long after it;
    // 1 after a report write failed.
    let exits = |o: &mut Observed, exit: u8| {
        o.ran.exit = exit;
        d.judged(o)
    };
    let mut o = d.honest();
    assert_eq!(
        exits(&mut o, 0),
        ["exit: 0 where the README's merge gives 4"]
    );
    let mut blocked = d.honest();
    blocked.ran.seen.made.clear();
    blocked
        .after
        .insert((A.into(), "ana".into()), Some(on.clone()));
    blocked.users.insert((A.into(), "ana".into()), on.clone());
    let all = [
        (&kk, Some("Active")),
        (&ss, Some("Active")),
        (&bb, Some("gone")),
    ];
    blocked.ran.plan = creds::plan_of(&[(A, "refused", &all)]);
    let refused = [
        (&kk, "refused", "n/a"),
        (&ss, "refused", "n/a"),
        (&bb, "refused", "n/a"),
        (&password(), "not-reversible", "n/a"),
    ];
    d.write(CHECK, &refused, None);
    d.unchanged();
    assert_eq!(exits(&mut blocked, 3), Vec::<String>::new());
    assert_eq!(
        exits(&mut blocked, 4),
        ["exit: 4 where the README's merge gives 3"]
    );
    blocked.skip_blocked = true;
    assert_eq!(
        exits(&mut blocked, 3),
        ["exit: 3 where the README's merge gives 0"]
    );
    blocked.dry_run = true;
    blocked.no_role.insert(A.into());
    blocked.ran.plan = creds::plan_of(&[(A, "unknown", &[])]);
    let unknown = (&creds::key(A, "", "", ""), "unknown", "n/a");
    d.write(CHECK, &[unknown], None);
    assert_eq!(
        exits(&mut blocked, 0),
        ["exit: 0 where the README's merge gives 4"]
    );
    d.check_honest();
    d.change(&d.changed("reactivated", "yes"));
    let mut o = d.honest();
    o.ran.seen.signalled = true;
    o.ran.after_signal = Some(Duration::from_secs(31));
    let broken = exits(&mut o, 0);
    for what in [
        "complete: the users-reactivate report is complete after a signal",
        "exit: 0 after SIGINT",
        "ends: 31s after the signal",
    ] {
        creds::caught(&broken, what);
    }
    let mut o = d.honest();
    o.ran.writes = Writes(vec![d.path("other", "csv")]);
    creds::caught(&exits(&mut o, 0), "exit: 0 after a write failed");
}
