//! Between the plan and the first change: the dry run ends here; an incomplete read stage, or
//! refused accounts without `--skip-blocked`, change nothing; otherwise the plan is shown and
//! confirmed. Nothing here changes anything.

use super::confirm::{Answer, Confirm};
use super::emit::emit;
use super::job::{Plan, Spec};
use super::read::Stage;
use super::{present, Env, Output};
use crate::exit::Exit;
use std::io::Write;

/// What the gate looks at.
pub struct Gate<'a, S, F> {
    /// The run.
    pub env: &'a Env,
    /// The plan of every account read.
    pub plan: &'a Plan<S>,
    /// The read stage.
    pub read: &'a Stage<F>,
    /// `--skip-blocked`.
    pub skip_blocked: bool,
    /// The command line that would change only the changeable accounts.
    pub skip_blocked_command: &'a str,
    /// The job's words.
    pub spec: &'a Spec,
}

impl<S: serde::Serialize + std::fmt::Display, F> Gate<'_, S, F> {
    /// `None` to go on with the change stage, or the exits of a run that ends here (its
    /// document written to `out`).
    pub async fn pass<C: Confirm>(
        &self,
        dry_run: bool,
        confirm: &C,
        out: &mut dyn Write,
    ) -> anyhow::Result<Option<Vec<Exit>>> {
        let (env, read) = (self.env, self.read);
        let plan_doc = read.doc.clone().with("plan", self.plan);
        let mut exits = read.exits.clone();
        if dry_run {
            emit(
                env,
                out,
                &plan_doc,
                format!("{}{}", read.text, self.plan_text()),
            )?;
            eprintln!("rootsweep: dry run: nothing was changed");
            return Ok(Some(exits));
        }
        if read.incomplete.is_some() {
            emit(env, out, &read.doc, read.text.clone())?;
            eprintln!("rootsweep: the read stage did not complete; nothing was changed");
            return Ok(Some(exits));
        }
        let refused = self.plan.refused().count();
        if refused > 0 && !self.skip_blocked {
            emit(
                env,
                out,
                &plan_doc,
                format!("{}{}", read.text, self.plan_text()),
            )?;
            eprintln!(
                "rootsweep: refusing to change anything: {refused} account(s) are blocked or unknown. \
                 Resolve them first, or pass --skip-blocked to change only the others:"
            );
            for e in self.plan.refused() {
                eprintln!("  {}", present::line(e));
            }
            exits.push(Exit::Refused);
            return Ok(Some(exits));
        }
        let changing = self.plan.to_change().count();
        if changing == 0 {
            eprintln!(
                "rootsweep: nothing to {}: no account has anything in scope to change",
                self.spec.change
            );
            return Ok(None);
        }
        if env.output == Output::Text {
            write!(out, "{}", self.plan_text())?;
            out.flush()?;
        }
        let Some(exit) = self.ask(confirm, changing).await else {
            return Ok(None);
        };
        if env.output == Output::Json {
            out.write_all(plan_doc.render().as_bytes())?;
        }
        exits.push(exit);
        Ok(Some(exits))
    }

    fn plan_text(&self) -> String {
        present::plan(self.plan, self.skip_blocked, self.skip_blocked_command)
    }

    /// The confirmation: `None` when confirmed, else the exit of a run that changes nothing.
    async fn ask<C: Confirm>(&self, confirm: &C, changing: usize) -> Option<Exit> {
        match confirm.ask(changing, self.spec.confirm).await {
            Answer::Yes => None,
            Answer::No => {
                eprintln!("rootsweep: not confirmed; nothing was changed");
                Some(Exit::Usage)
            }
            Answer::NoTerminal => {
                eprintln!(
                    "rootsweep: refusing: no terminal to confirm on; re-run with --yes to change {changing} account(s)"
                );
                Some(Exit::Usage)
            }
            Answer::Cancelled => {
                eprintln!("rootsweep: cancelled at the prompt; nothing was changed");
                Some(self.env.cancel.exit().unwrap_or(Exit::Interrupted))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cancel::Cancel;
    use crate::report::json::RunInfo;
    use crate::run::document::Document;
    use crate::run::job::{Disposition, Entry, ALREADY_CLEAN};
    use std::collections::BTreeMap;

    struct Says(Answer);

    impl Confirm for Says {
        async fn ask(&self, _: usize, what: &str) -> Answer {
            assert_eq!(what, "change things in that many account(s)");
            self.0
        }
    }

    const SPEC: Spec = Spec {
        change: "change",
        confirm: "change things in that many account(s)",
        ..Spec::READ_ONLY
    };

    fn env(output: Output) -> Env {
        Env {
            config: Default::default(),
            cancel: Cancel::default(),
            output,
            run: RunInfo {
                run_id: "r".into(),
                rootsweep_version: "0.1.0",
                caller: "arn:aws:iam::111111111111:user/admin".into(),
                organization: "o-abc".into(),
                partition: "aws".into(),
                region: "us-east-1".into(),
                started: "s".into(),
                ended: "e".into(),
                complete: true,
                incomplete_reason: None,
            },
            management_account: "111111111111".into(),
        }
    }

    fn plan(refused: bool) -> Plan<&'static str> {
        let entry = |id: &str, disposition, steps: Vec<&'static str>| Entry {
            account_id: id.into(),
            account_name: "n".into(),
            verdict: "v",
            disposition,
            steps,
            reason: None,
        };
        let mut entries = vec![entry("222222222222", Disposition::Change, vec!["DoIt"])];
        if refused {
            entries.push(entry("333333333333", Disposition::Blocked, vec![]));
        }
        Plan {
            scope: vec!["things"],
            entries,
        }
    }

    fn stage() -> Stage<()> {
        let run = env(Output::Text).run;
        Stage {
            reads: Vec::new(),
            counts: BTreeMap::new(),
            incomplete: None,
            doc: Document::new(
                &run,
                &BTreeMap::new(),
                "accounts",
                vec![serde_json::value::to_raw_value("row").expect("a string")],
            ),
            exits: vec![Exit::Success],
            text: "READ TEXT\n".into(),
        }
    }

    async fn pass(
        output: Output,
        plan: &Plan<&'static str>,
        dry_run: bool,
        answer: Answer,
    ) -> (Option<Vec<Exit>>, String) {
        let (env, read) = (env(output), stage());
        let gate = Gate {
            env: &env,
            plan,
            read: &read,
            skip_blocked: false,
            skip_blocked_command: "rootsweep x --skip-blocked",
            spec: &SPEC,
        };
        let mut out = Vec::new();
        let exits = gate
            .pass(dry_run, &Says(answer), &mut out)
            .await
            .expect("written");
        (exits, String::from_utf8(out).expect("utf-8"))
    }

    #[tokio::test]
    async fn a_dry_run_shows_the_read_and_the_plan_and_changes_nothing() {
        let (exits, out) = pass(Output::Text, &plan(false), true, Answer::Yes).await;
        assert_eq!(exits, Some(vec![Exit::Success]));
        assert!(out.starts_with("READ TEXT\nPlan (things): 1 account(s) would change.\n"));
        assert!(out.contains("    - DoIt\n"), "{out}");
    }

    #[tokio::test]
    async fn refused_accounts_without_skip_blocked_end_the_run_with_the_retry_hint() {
        let (exits, out) = pass(Output::Text, &plan(true), false, Answer::Yes).await;
        assert_eq!(exits, Some(vec![Exit::Success, Exit::Refused]));
        assert!(out.contains("rootsweep x --skip-blocked"), "{out}");
    }

    #[tokio::test]
    async fn a_confirmed_plan_goes_on_after_showing_it() {
        let (exits, out) = pass(Output::Text, &plan(false), false, Answer::Yes).await;
        assert_eq!(exits, None);
        assert!(
            out.starts_with("Plan (things): 1 account(s) would change.\n"),
            "{out}"
        );
    }

    #[tokio::test]
    async fn a_plan_not_confirmed_is_a_usage_exit_and_json_output_still_gets_its_document() {
        let (exits, out) = pass(Output::Text, &plan(false), false, Answer::No).await;
        assert_eq!(exits, Some(vec![Exit::Success, Exit::Usage]));
        assert!(out.contains("would change"), "{out}");
        let (exits, out) = pass(Output::Json, &plan(false), false, Answer::NoTerminal).await;
        assert_eq!(exits, Some(vec![Exit::Success, Exit::Usage]));
        let doc: serde_json::Value = serde_json::from_str(&out).expect("one JSON document");
        assert_eq!(doc["plan"]["entries"][0]["steps"][0], "DoIt");
    }

    #[test]
    fn the_spec_spells_outcomes_in_the_jobs_words() {
        let spec = Spec {
            done: "made",
            ..SPEC
        };
        assert_eq!(spec.label(crate::run::job::Outcome::Done), "made");
        assert_eq!(
            spec.label(crate::run::job::Outcome::AlreadyClean),
            ALREADY_CLEAN
        );
    }
}
