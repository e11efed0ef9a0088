//! The config file: the shipped example parses and names every flag; mistakes are clear
//! errors naming file, line and key, with exit code 2 and no AWS call.

use crate::support::cli::{reports, rootsweep};
use crate::support::scenario::shipped;
use crate::support::sim::Sim;
use clap::CommandFactory;
use std::path::Path;

fn example() -> (std::path::PathBuf, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config.toml.example");
    let text = std::fs::read_to_string(&path).expect("config.toml.example");
    (path, text)
}

fn long_flags(cmd: &clap::Command, out: &mut Vec<String>) {
    for arg in cmd.get_arguments() {
        if let Some(long) = arg.get_long() {
            if long != "help" && long != "version" {
                out.push(long.to_string());
            }
        }
    }
    for sub in cmd.get_subcommands() {
        long_flags(sub, out);
    }
}

#[test]
fn example_config_parses_and_resolves() {
    let (path, text) = example();
    let file = rootsweep::config::parse(&path, &text).expect("example parses");
    let config = rootsweep::config::resolve(Some((&path, &text, file)), Default::default())
        .expect("example resolves");
    assert_eq!(config.concurrency, 16);
    assert_eq!(config.aws.region.as_deref(), Some("us-east-1"));
}

#[test]
fn example_config_names_every_long_flag() {
    let (_, text) = example();
    let mut flags = Vec::new();
    long_flags(&rootsweep::cli::Cli::command(), &mut flags);
    assert!(flags.len() > 15, "{flags:?}");
    let missing: Vec<&String> = flags
        .iter()
        .filter(|f| !text.contains(&format!("--{f}")))
        .collect();
    assert!(
        missing.is_empty(),
        "config.toml.example does not mention: {missing:?}"
    );
}

#[test]
fn config_mistakes_exit_2_naming_file_line_and_key_without_any_aws_call() {
    let sim = Sim::start(shipped("demo.toml"));
    let dir = reports();
    let cases = [
        ("[run]\nconcurency = 4\n", "key `concurency`", 2),
        ("[run]\nconcurrency = \"many\"\n", "key `concurrency`", 2),
        ("[run]\nconcurrency = 0\n", "key `concurrency`", 2),
        ("[run]\nconcurrency = -2\n", "key `concurrency`", 2),
        ("[aws]\nregion = \"eu-west-1\n", "rootsweep.toml:2", 2),
    ];
    for (text, needle, line) in cases {
        let path = dir.path().join("rootsweep.toml");
        std::fs::write(&path, text).expect("write config");
        let run = rootsweep(
            &sim,
            dir.path(),
            &["audit", "--config", path.to_str().expect("utf8")],
        );
        run.expect_code(2);
        let first = run
            .stderr
            .lines()
            .find(|l| l.contains("rootsweep.toml"))
            .unwrap_or("");
        assert!(
            first.contains(&format!("rootsweep.toml:{line}")),
            "{text}: {}",
            run.stderr
        );
        assert!(first.contains(needle), "{text}: {}", run.stderr);
    }
    assert!(sim.calls().is_empty(), "no AWS call for a bad config");
}

#[test]
fn zero_concurrency_on_the_command_line_is_a_usage_error() {
    let sim = Sim::start(shipped("demo.toml"));
    let dir = reports();
    let run = rootsweep(&sim, dir.path(), &["audit", "--concurrency", "0"]);
    run.expect_code(2);
    assert!(run.stderr.contains("--concurrency"), "{}", run.stderr);
    assert!(sim.calls().is_empty());
}
