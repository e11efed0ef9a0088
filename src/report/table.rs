//! Terminal tables (comfy-table): accounts that need attention, and counts.

use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};
use std::collections::BTreeMap;

/// A table with a header and rows.
pub fn render(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    table.set_header(header.to_vec());
    for row in rows {
        table.add_row(row);
    }
    table.to_string()
}

/// A two-column table of counts, with a total.
pub fn counts(title: &str, counts: &BTreeMap<String, usize>, order: &[&str]) -> String {
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
    render(&[title, "accounts"], rows)
}

#[cfg(test)]
mod tests {

    #[test]
    fn counts_table_lists_each_key_in_order_and_a_total() {
        let counts = super::super::json::count(["blocked", "eligible", "eligible"].into_iter());
        let text = super::counts("verdict", &counts, &["eligible", "blocked", "unknown"]);
        let eligible = text.find("eligible").expect("eligible row");
        let blocked = text.find("blocked").expect("blocked row");
        assert!(eligible < blocked);
        assert!(text.contains("unknown"));
        assert!(text.contains('3'));
    }
}
