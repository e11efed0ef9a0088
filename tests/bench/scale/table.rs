//! Rendering: a case's detail lines as it finishes, and the summary table with each target's
//! PASS/MISS. Pure functions of the measurements.

use crate::case::Case;
use crate::Measurement;
use comfy_table::{presets::ASCII_MARKDOWN, Table};
use std::fmt::Write;

/// The lines printed under a case's heading once it has run.
pub fn details(case: &Case, m: &Measurement) -> String {
    let b = &m.ideal;
    let mut out = String::new();
    // `users deactivate` reads for its plan beyond the audit.
    let reads = if b.credentials > 0 {
        "account reads (audit and plan)"
    } else {
        "audits"
    };
    let mut parts = format!(
        "max(enumeration {:.2} s + one account {:.2} s, first page {:.2} s + {} {reads} / {} = {:.2} s",
        b.enumeration,
        b.serial - b.enumeration,
        b.first_listing,
        b.audited,
        case.concurrency,
        b.parallel
    );
    if b.throttle > 0.0 {
        let _ = write!(
            parts,
            ", {} AssumeRoot at the throttle = {:.2} s",
            b.audited, b.throttle
        );
    }
    parts.push(')');
    if b.unreadable > 0 {
        let _ = write!(parts, "; {} without the member role", b.unreadable);
    }
    if b.credentials > 0 {
        let _ = write!(
            parts,
            " + deactivate phase {:.2} s ({} credentials in {} accounts, 3 IAM calls each, one after the other)",
            b.delete, b.credentials, b.eligible
        );
    } else if b.eligible > 0 {
        let _ = write!(
            parts,
            " + delete phase {:.2} s ({} eligible)",
            b.delete, b.eligible
        );
    }
    let _ = writeln!(out, "  ideal {:.2} s = {parts}", b.total());
    let _ = writeln!(
        out,
        "  measured: wall {:.2} s, efficiency {:.2}, exit code {}",
        m.wall,
        m.efficiency,
        m.exit_code
            .map_or_else(|| "none (signal)".to_string(), |c| c.to_string())
    );
    if let Some(floor) = m.sdk_floor_ms {
        let _ = writeln!(
            out,
            "  CPU: rootsweep {:.3} ms/account; the AWS SDK alone, making an audit's six calls per account the same way: {floor:.3} ms/account ({:.2}x)",
            m.cpu_ms_per_account,
            m.cpu_ms_per_account / floor
        );
    }
    let _ = writeln!(
        out,
        "  {}",
        m.timing_line
            .as_deref()
            .unwrap_or("(no rootsweep timing line on stderr)")
    );
    let _ = writeln!(
        out,
        "  simulator calls: {} ({} AssumeRoot answered 200); non-200: {}",
        m.calls.total,
        m.calls.assume_root_ok,
        m.calls.errors()
    );
    if let Some(done) = m.deactivated {
        let others: Vec<String> = m
            .not_deactivated
            .iter()
            .map(|(o, n)| format!("{o} x{n}"))
            .collect();
        let _ = writeln!(
            out,
            "  deactivated and verified: {done} of the {} eligible; other credential rows: {}",
            b.credentials,
            if others.is_empty() {
                "none".to_string()
            } else {
                others.join(", ")
            }
        );
        let _ = writeln!(out, "  calls by operation: {}", m.calls.by_operation());
    }
    if let Some(rps) = m.assume_root_rps {
        let _ = writeln!(
            out,
            "  AssumeRoot rate {rps:.1}/s = {} successful AssumeRoot answers over {:.2} s from the first to the last (simulator call log)",
            m.calls.assume_root_ok,
            m.calls
                .assume_root_span_ms
                .map(|(a, b)| (b - a) as f64 / 1000.0)
                .unwrap_or(0.0)
        );
    }
    let _ = writeln!(
        out,
        "  target: {}: {}",
        case.target.describe(),
        verdict(case, m)
    );
    out
}

/// PASS, or MISS with the reasons.
pub fn verdict(case: &Case, m: &Measurement) -> String {
    let misses = case.target.misses(m);
    if misses.is_empty() {
        "PASS".into()
    } else {
        format!("MISS ({})", misses.join("; "))
    }
}

/// One row per case, then each target and its verdict.
pub fn summary(rows: &[(&Case, Measurement)]) -> String {
    let mut table = Table::new();
    table.load_preset(ASCII_MARKDOWN);
    table.set_header(vec![
        "case",
        "accounts",
        "concurrency",
        "wall s",
        "ideal s",
        "efficiency",
        "API calls/account",
        "calls/read account beyond paging",
        "peak RSS MB",
        "CPU s",
        "CPU ms/account",
        "sim CPU s",
        "failed",
        "AssumeRoot/s",
    ]);
    for (case, m) in rows {
        table.add_row(vec![
            case.name.to_string(),
            case.accounts.to_string(),
            case.concurrency.to_string(),
            format!("{:.2}", m.wall),
            format!("{:.2}", m.ideal.total()),
            format!("{:.2}", m.efficiency),
            format!("{:.2}", m.calls_per_account),
            format!("{:.2}", m.calls_per_read_account),
            format!("{:.1}", m.rss_mb),
            format!("{:.2}", m.cpu_secs),
            format!("{:.3}", m.cpu_ms_per_account),
            format!("{:.2}", m.sim_cpu_secs),
            m.failed.to_string(),
            m.assume_root_rps
                .map_or_else(|| "-".to_string(), |r| format!("{r:.1}")),
        ]);
    }
    let mut out = format!("{table}\n\n");
    for (case, m) in rows {
        let _ = writeln!(
            out,
            "{} ({}): target {}: {}",
            case.name,
            case.title,
            case.target.describe(),
            verdict(case, m)
        );
    }
    for (case, m) in rows {
        let _ = writeln!(
            out,
            "{}: {}",
            case.name,
            m.timing_line.as_deref().unwrap_or("(no timing line)")
        );
    }
    out
}
