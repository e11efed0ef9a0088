//! Terminal tables (comfy-table): accounts that need attention, and counts.
//! Every header and cell is escaped first, so no control character from an AWS name or message
//! reaches the terminal raw. Rendering is a pure function of the data and a width; only
//! [`terminal_width`] looks at the process's environment.

use comfy_table::presets::{NOTHING, UTF8_FULL_CONDENSED};
use comfy_table::{ContentArrangement, Row, Table};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::IsTerminal;

/// At most this many lines per row in a fitted table; the rest of a long cell (typically a whole
/// AWS error message, which the CSV holds in full) is cut with an ellipsis.
pub const MAX_LINES: usize = 3;

/// A cell as the terminal may show it: every control character is written out as an escape, so
/// nothing in an AWS name or message can move the cursor, recolour, retitle or reorder the screen.
///
/// The scheme is Rust's: `\e` for ESC, `\a` BEL, `\t` TAB, `\n` LF, `\r` CR, and `\u{hex}` for
/// every other C0 control (U+0000–U+001F), DEL (U+007F), C1 control (U+0080–U+009F), and the
/// Unicode line separators and bidirectional controls (U+061C, U+200E–U+200F, U+2028–U+202E,
/// U+2066–U+2069) that would reorder or break a row. Backslashes are left as they are: the text
/// is for reading, not for parsing back. A cell with nothing to escape is returned borrowed.
pub fn escape(cell: &str) -> Cow<'_, str> {
    if !cell.chars().any(needs_escape) {
        return Cow::Borrowed(cell);
    }
    let mut out = String::with_capacity(cell.len() + 8);
    for c in cell.chars() {
        match c {
            '\x1b' => out.push_str("\\e"),
            '\x07' => out.push_str("\\a"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c.is_control() // C0, DEL and C1
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// A table with a header and rows, fitted to [`terminal_width`].
pub fn render(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    render_width(header, rows, terminal_width())
}

/// A table with a header and rows, every header and cell [`escape`]d.
///
/// - `Some(w)`: a boxed table no wider than `w` columns (as long as `w` leaves each column room
///   for one character and its borders). Long cells wrap; a row keeps at most [`MAX_LINES`]
///   lines and a cell cut there ends with `…`.
/// - `None`: plain text for pipes and files: no box drawing, no wrapping, the header then one
///   line per row, columns aligned with spaces and trailing spaces trimmed, so `grep` on an
///   account id finds its whole row.
pub fn render_width(
    header: &[&str],
    rows: impl IntoIterator<Item = Vec<String>>,
    width: Option<u16>,
) -> String {
    let mut table = Table::new();
    table.set_header(
        header
            .iter()
            .map(|h| escape(h).into_owned())
            .collect::<Vec<_>>(),
    );
    let escaped = rows.into_iter().map(|row| {
        row.iter()
            .map(|c| escape(c).into_owned())
            .collect::<Vec<_>>()
    });
    match width {
        Some(width) => {
            table
                .load_preset(UTF8_FULL_CONDENSED)
                .set_content_arrangement(ContentArrangement::Dynamic)
                .set_width(width)
                .set_truncation_indicator("…");
            for cells in escaped {
                let mut row = Row::from(cells);
                row.max_height(MAX_LINES);
                table.add_row(row);
            }
            table.to_string()
        }
        None => {
            table
                .load_preset(NOTHING)
                .set_content_arrangement(ContentArrangement::Disabled);
            table.add_rows(escaped);
            for column in table.column_iter_mut() {
                column.set_padding((0, 2));
            }
            table.trim_fmt()
        }
    }
}

/// The width to fit tables to: `Some(columns)` only when stdout is a terminal, taken from the
/// `COLUMNS` environment variable when it holds a positive number, else measured. `None` (plain
/// output) when stdout is a pipe or file, or a terminal whose size cannot be found.
pub fn terminal_width() -> Option<u16> {
    width_for(
        std::io::stdout().is_terminal(),
        std::env::var("COLUMNS").ok().as_deref(),
        // comfy-table measures the terminal (through crossterm) when stdout is one.
        || Table::new().width(),
    )
}

fn width_for(
    is_terminal: bool,
    columns: Option<&str>,
    measure: impl FnOnce() -> Option<u16>,
) -> Option<u16> {
    if !is_terminal {
        return None;
    }
    columns
        .and_then(|c| c.trim().parse::<u16>().ok())
        .filter(|&c| c > 0)
        .or_else(measure)
}

/// A two-column table of counts, with a total.
pub fn counts(title: &str, noun: &str, counts: &BTreeMap<String, usize>, order: &[&str]) -> String {
    let mut rows: Vec<Vec<String>> = order
        .iter()
        .map(|k| {
            vec![
                k.to_string(),
                counts.get(*k).copied().unwrap_or(0).to_string(),
            ]
        })
        .collect();
    rows.push(vec![
        "total".into(),
        counts.values().sum::<usize>().to_string(),
    ]);
    render(&[title, noun], rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOX: &[char] = &[
        '│', '─', '┆', '═', '╪', '┌', '┐', '└', '┘', '┬', '┴', '╞', '╡',
    ];

    fn long_error() -> String {
        let mut text = String::from(
            "DeleteLoginProfile: AccessDenied: User: arn:aws:sts::111111111111:assumed-role/\
             AWSReservedSSO_AdministratorAccess_0123456789abcdef/someone@example.com is not \
             authorized to perform: iam:DeleteLoginProfile on resource: ",
        );
        while text.chars().count() < 300 {
            text.push_str("arn:aws:iam::222222222222:root");
        }
        text.truncate(300);
        text
    }

    fn attention_rows() -> Vec<Vec<String>> {
        vec![
            vec![
                "222222222222".into(),
                "prod".into(),
                "failed".into(),
                long_error(),
            ],
            vec![
                "333333333333".into(),
                "dev".into(),
                "deleted".into(),
                String::new(),
            ],
        ]
    }

    #[test]
    fn a_fitted_table_never_exceeds_its_width_even_with_a_long_error() {
        let text = render_width(
            &["account", "name", "outcome", "error"],
            attention_rows(),
            Some(100),
        );
        for line in text.lines() {
            assert!(line.chars().count() <= 100, "{line}");
        }
        assert!(text.contains("222222222222"), "{text}");
        assert!(text.contains('…'), "a 300-character error is cut:\n{text}");
        assert!(text.lines().count() <= 4 + 2 * MAX_LINES, "{text}");
    }

    #[test]
    fn control_characters_never_reach_the_terminal_raw() {
        let rows = vec![vec![
            "\x1b]0;owned\x07name\r\nnext\tcol".to_string(),
            "\u{9b}31m\x7f\u{202e}".to_string(),
        ]];
        for width in [Some(100), None] {
            let text = render_width(&["a\x1bb", "c"], rows.clone(), width);
            for raw in ['\x1b', '\x07', '\r', '\t', '\u{9b}', '\x7f', '\u{202e}'] {
                assert!(!text.contains(raw), "{raw:?} in {text:?}");
            }
            assert!(text.contains(r"\e]0;owned\aname\r\nnext\tcol"), "{text}");
            assert!(text.contains(r"\u{9b}31m\u{7f}\u{202e}"), "{text}");
            assert!(text.contains(r"a\eb"), "{text}");
        }
    }

    #[test]
    fn escape_leaves_ordinary_text_borrowed() {
        let text = "prod – ünïcödé, C:\\path";
        assert!(matches!(escape(text), Cow::Borrowed(t) if t == text));
    }

    #[test]
    fn plain_output_has_one_line_per_row_and_no_box_drawing() {
        let text = render_width(
            &["account", "name", "outcome", "error"],
            attention_rows(),
            None,
        );
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(lines[0].starts_with("account"), "{text}");
        assert!(lines[1].starts_with("222222222222"), "{text}");
        assert!(lines[1].ends_with(long_error().as_str()), "{text}");
        assert!(lines[2].starts_with("333333333333"), "{text}");
        assert!(!text.contains(BOX), "{text}");
        assert!(lines.iter().all(|l| l == &l.trim_end()), "{text:?}");
    }

    #[test]
    fn width_comes_from_columns_or_the_terminal_only_on_a_terminal() {
        assert_eq!(width_for(false, Some("80"), || Some(120)), None);
        assert_eq!(width_for(true, Some("80"), || Some(120)), Some(80));
        assert_eq!(width_for(true, Some("wide"), || Some(120)), Some(120));
        assert_eq!(width_for(true, Some("0"), || None), None);
        assert_eq!(width_for(true, None, || Some(120)), Some(120));
    }

    #[test]
    fn counts_table_lists_each_key_in_order_and_a_total() {
        let counts = super::super::json::count(["blocked", "eligible", "eligible"].into_iter());
        let text = super::counts(
            "verdict",
            "accounts",
            &counts,
            &["eligible", "blocked", "unknown"],
        );
        let eligible = text.find("eligible").expect("eligible row");
        let blocked = text.find("blocked").expect("blocked row");
        assert!(eligible < blocked);
        assert!(text.contains("unknown"));
        assert!(text.contains('3'));
    }
}
