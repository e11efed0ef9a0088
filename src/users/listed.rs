//! Pure: `users delete --users-file`: a CSV with `account_id` and `user_name` columns (in any
//! order, other columns ignored), so the users-audit CSV works as it is — its account rows
//! (empty `user_name`) are skipped, its neutralised cells (`'=…`) read back, and when it has a
//! `verdict` column a row that is not `stale` is refused unless `--force-active`.

use std::collections::BTreeSet;

/// A users file that cannot be used: one line naming the file, the line and the fix.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{file}:{line}: {why}")]
pub struct ListError {
    /// The file as given.
    pub file: String,
    /// 1-based line (1 = the header).
    pub line: u64,
    /// What is wrong and what to do.
    pub why: String,
}

/// The `(account_id, user_name)` pairs of a users file.
pub fn parse(
    file: &str,
    text: &str,
    force_active: bool,
) -> Result<BTreeSet<(String, String)>, ListError> {
    let err = |line: u64, why: String| ListError {
        file: file.to_string(),
        line,
        why,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| err(1, format!("not CSV ({e})")))?
        .clone();
    let column = |name: &str| header.iter().position(|h| h.trim() == name);
    let (Some(account), Some(user)) = (column("account_id"), column("user_name")) else {
        return Err(err(
            1,
            "the header needs the columns account_id and user_name (a users-audit CSV works as it is)"
                .into(),
        ));
    };
    let verdict = column("verdict");
    let mut pairs = BTreeSet::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            err(
                line,
                format!("not CSV ({e}); every row needs the header's columns"),
            )
        })?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let cell = |i: usize| unneutralise(record.get(i).unwrap_or("").trim());
        let (account_id, user_name) = (cell(account), cell(user));
        if user_name.is_empty() {
            // An account's own row of the audit CSV (unknown or skipped): no user to delete.
            continue;
        }
        if account_id.len() != 12 || !account_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err(
                line,
                format!("account_id {account_id:?} is not a 12-digit account id"),
            ));
        }
        if let Some(v) = verdict.map(cell).filter(|v| !force_active && v != "stale") {
            return Err(err(
                line,
                format!(
                    "{user_name} in {account_id} is {v:?} in this file, not stale; remove the row, \
                     or pass --force-active to delete it anyway"
                ),
            ));
        }
        pairs.insert((account_id, user_name));
    }
    Ok(pairs)
}

/// Reads back a cell the report writer neutralised (`'=cmd` → `=cmd`): IAM names never hold `'`.
fn unneutralise(cell: &str) -> String {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest.to_string(),
        _ => cell.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_users_audit_csv_works_as_is_with_account_rows_skipped_and_formula_cells_read_back() {
        let text = "account_id,account_name,user_name,verdict,error\n\
                    222222222201,prod,'=cmd+1,stale,\n\
                    222222222202,dev,olduser,stale,\n\
                    222222222203,x,,unknown,AssumeRole: AccessDenied\n";
        let pairs = parse("u.csv", text, false).expect("parses");
        let got: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(a, u)| (a.as_str(), u.as_str()))
            .collect();
        assert_eq!(
            got,
            [("222222222201", "=cmd+1"), ("222222222202", "olduser")]
        );
    }

    #[test]
    fn a_row_not_stale_is_refused_with_its_line_unless_forced() {
        let text = "account_id,user_name,verdict\n222222222201,a,stale\n222222222201,b,active\n";
        assert_eq!(
            parse("u.csv", text, false).unwrap_err().to_string(),
            "u.csv:3: b in 222222222201 is \"active\" in this file, not stale; remove the row, or pass --force-active to delete it anyway"
        );
        assert_eq!(parse("u.csv", text, true).map(|p| p.len()), Ok(2));
    }

    #[test]
    fn a_file_of_two_columns_needs_no_verdict() {
        let text = "user_name,account_id\nbob,222222222201\n";
        assert_eq!(parse("u.csv", text, false).map(|p| p.len()), Ok(1));
    }

    #[test]
    fn a_malformed_file_is_one_error_naming_file_and_line() {
        let missing = parse("u.csv", "account,user\n1,2\n", false).unwrap_err();
        assert_eq!(missing.line, 1);
        assert!(missing.to_string().starts_with("u.csv:1: the header needs"));
        let bad_id = parse("u.csv", "account_id,user_name\n2222,bob\n", false).unwrap_err();
        assert_eq!(
            bad_id.to_string(),
            "u.csv:2: account_id \"2222\" is not a 12-digit account id"
        );
        let ragged = parse("u.csv", "account_id,user_name\n222222222201\n", false).unwrap_err();
        assert_eq!(ragged.line, 2);
    }
}
