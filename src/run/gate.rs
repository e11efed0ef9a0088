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
