//! Secrets never leave memory: no session credential issued by the simulator appears in any
//! output stream (even at maximum verbosity) or report file.

use crate::support::cli::{reports, rootsweep};
use crate::support::scenario::shipped;
use crate::support::sim::Sim;

#[test]
fn no_session_credential_appears_in_output_or_reports() {
    let sim = Sim::start(shipped("demo.toml"));
    let dir = reports();
    let audit = rootsweep(&sim, dir.path(), &["-vvv", "audit"]);
    audit.expect_code(4);
    let delete = rootsweep(
        &sim,
        dir.path(),
        &["-vvv", "delete", "--yes", "--skip-blocked"],
    );
    delete.expect_code(4);
    let json = rootsweep(&sim, dir.path(), &["-vvv", "audit", "--output", "json"]);
    json.expect_code(4);

    let sessions = sim.sessions();
    assert!(
        sessions.len() > 10,
        "sessions were issued: {}",
        sessions.len()
    );
    let mut haystack = String::new();
    for run in [&audit, &delete, &json] {
        haystack.push_str(&run.stdout);
        haystack.push_str(&run.stderr);
    }
    assert!(
        audit.stderr.len() > 1000,
        "maximum verbosity logs something"
    );
    for entry in std::fs::read_dir(dir.path()).expect("reports") {
        let path = entry.expect("entry").path();
        haystack.push_str(&std::fs::read_to_string(&path).expect("report text"));
    }
    for s in &sessions {
        for field in ["access_key_id", "secret_access_key", "session_token"] {
            let secret = s[field].as_str().expect("string");
            assert!(!secret.is_empty());
            assert!(!haystack.contains(secret), "{field} of a session leaked");
        }
    }
    // The management secret too.
    assert!(!haystack.contains(sim.secret()));
}
