//! The command line the plan's hint repeats: the operator's own arguments, without the flags
//! that only say how far a run goes, shell-quoted where needed.

/// This command line without `--dry-run` and `--skip-blocked` (shell-quoted where needed), for
/// the plan's hint: `args` as [`std::env::args`] gives them (the program first, named
/// `rootsweep` whatever its path), each argument as a POSIX shell reads it back.
pub fn for_hint(args: impl IntoIterator<Item = String>) -> String {
    std::iter::once("rootsweep".to_string())
        .chain(
            args.into_iter()
                .skip(1)
                .filter(|a| a != "--dry-run" && a != "--skip-blocked"),
        )
        .map(quoted)
        .collect::<Vec<_>>()
        .join(" ")
}

/// `arg` as is when every character is safe in a shell word, else in single quotes (a `'`
/// inside as `'\''`).
fn quoted(arg: String) -> String {
    if arg
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@".contains(c))
    {
        arg
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::for_hint;

    fn hint(args: &[&str]) -> String {
        for_hint(args.iter().map(|a| a.to_string()))
    }

    #[test]
    fn the_program_is_named_rootsweep_whatever_its_path() {
        assert_eq!(
            hint(&["./target/debug/rootsweep", "delete", "--yes"]),
            "rootsweep delete --yes"
        );
        assert_eq!(hint(&["/opt/bin/rs"]), "rootsweep");
        assert_eq!(hint(&[]), "rootsweep");
    }

    #[test]
    fn dry_run_and_skip_blocked_are_left_out_wherever_they_are() {
        assert_eq!(
            hint(&[
                "rootsweep",
                "--dry-run",
                "users",
                "delete",
                "--skip-blocked",
                "--stale-days",
                "90",
                "--dry-run",
            ]),
            "rootsweep users delete --stale-days 90"
        );
        // Only the exact flags: a value that merely contains one stays.
        assert_eq!(
            hint(&["rootsweep", "delete", "--report-dir", "--dry-run-reports"]),
            "rootsweep delete --report-dir --dry-run-reports"
        );
    }

    #[test]
    fn arguments_a_shell_would_split_or_expand_are_single_quoted() {
        assert_eq!(
            hint(&[
                "rootsweep",
                "audit",
                "--report-dir",
                "my reports",
                "--profile",
                "$PROFILE",
            ]),
            "rootsweep audit --report-dir 'my reports' --profile '$PROFILE'"
        );
        assert_eq!(
            hint(&["rootsweep", "audit", "--report-dir", "it's"]),
            r"rootsweep audit --report-dir 'it'\''s'"
        );
    }

    #[test]
    fn safe_characters_are_left_unquoted() {
        assert_eq!(
            hint(&[
                "rootsweep",
                "unlock",
                "sqs",
                "--queue-url",
                "https://sqs.us-east-1.amazonaws.com/222222222201/jobs_1",
                "--accounts=111111111111,222222222222",
                "--role-name",
                "path/Name@x",
            ]),
            "rootsweep unlock sqs --queue-url https://sqs.us-east-1.amazonaws.com/222222222201/jobs_1 \
             --accounts=111111111111,222222222222 --role-name path/Name@x"
        );
    }
}
