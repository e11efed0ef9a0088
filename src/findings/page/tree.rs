//! The OU tree of the page: every account of the report under the OUs its row names (by id when
//! the report carries ids, else by name), each OU with the worst standing of what is under it.
//! Pure: built from the page's subjects, rendered to escaped HTML.

use super::escape;
use super::subjects::{Standing, Subject};

/// One account in the tree: the worst standing of its subjects (its users, in `users audit`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leaf {
    /// The account id.
    pub id: String,
    /// The account's name.
    pub name: String,
    /// Its verdict (the worst subject's).
    pub verdict: String,
    /// Where it stands.
    pub standing: Standing,
    /// Its IAM users in the report (`users audit`), and how many of them need attention or are
    /// unknown.
    pub users: (usize, usize),
}

/// An OU (or the organization's root) with its accounts and child OUs, in the report's order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Node {
    /// The OU's id, or its name when the report has no ids.
    pub key: String,
    /// The OU's name.
    pub name: String,
    /// The accounts directly in it.
    pub accounts: Vec<Leaf>,
    /// Its child OUs.
    pub children: Vec<Node>,
}

/// The name of the node that holds accounts whose rows name no OU.
pub const UNPLACED: &str = "(no OU in the report)";

impl Node {
    /// How many accounts under it (all levels) stand each way, in [`Standing`] order.
    pub fn tally(&self) -> [usize; 4] {
        let mut out = [0; 4];
        for a in &self.accounts {
            out[a.standing as usize] += 1;
        }
        for c in &self.children {
            for (o, n) in out.iter_mut().zip(c.tally()) {
                *o += n;
            }
        }
        out
    }

    /// The worst standing under it; `None` when it holds no account.
    pub fn standing(&self) -> Option<Standing> {
        let t = self.tally();
        [
            Standing::Attention,
            Standing::Unknown,
            Standing::Fine,
            Standing::Aside,
        ]
        .into_iter()
        .find(|s| t[*s as usize] > 0)
    }

    fn child(&mut self, key: &str, name: &str) -> &mut Node {
        let at = match self.children.iter().position(|c| c.key == key) {
            Some(at) => at,
            None => {
                self.children.push(Node {
                    key: key.to_string(),
                    name: name.to_string(),
                    ..Node::default()
                });
                self.children.len() - 1
            }
        };
        &mut self.children[at]
    }
}

/// The `(key, name)` of each OU from the root down a subject's row names: ids beside names when
/// both are there and agree in length (an OU name may hold a `/`), else names only.
fn ancestry(s: &Subject) -> Vec<(String, String)> {
    if s.ou_path.is_empty() {
        return Vec::new();
    }
    let names: Vec<&str> = s.ou_path.split('/').collect();
    let ids: Vec<&str> = s.ou_ids.split('/').collect();
    if !s.ou_ids.is_empty() && ids.len() == names.len() {
        ids.iter()
            .zip(&names)
            .map(|(i, n)| (i.to_string(), n.to_string()))
            .collect()
    } else if !s.ou_ids.is_empty() {
        // The names do not split as the ids do: key by id, name by id.
        ids.iter().map(|i| (i.to_string(), i.to_string())).collect()
    } else {
        names
            .iter()
            .map(|n| (format!("name:{n}"), n.to_string()))
            .collect()
    }
}

/// The tree of `subjects`: a nameless top whose children are the roots the rows name (and
/// [`UNPLACED`] for rows naming none).
pub fn build(subjects: &[Subject]) -> Node {
    let mut top = Node::default();
    for s in subjects {
        let path = ancestry(s);
        let mut node = &mut top;
        if path.is_empty() {
            node = node.child(UNPLACED, UNPLACED);
        }
        for (key, name) in &path {
            node = node.child(key, name);
        }
        let flagged = matches!(s.standing, Standing::Attention | Standing::Unknown);
        let users = if s.user.is_empty() {
            (0, 0)
        } else {
            (1, usize::from(flagged))
        };
        let leaf = Leaf {
            id: s.account_id.clone(),
            name: s.account_name.clone(),
            verdict: s.verdict.clone(),
            standing: s.standing,
            users,
        };
        match node.accounts.iter_mut().find(|a| a.id == leaf.id) {
            Some(a) => {
                let users = (a.users.0 + users.0, a.users.1 + users.1);
                if leaf.standing < a.standing {
                    *a = leaf;
                }
                a.users = users;
            }
            None => node.accounts.push(leaf),
        }
    }
    top
}

/// `3 accounts: 1 attention, 2 fine`.
fn summary(node: &Node) -> String {
    let t = node.tally();
    let total: usize = t.iter().sum();
    let parts: Vec<String> = [
        Standing::Attention,
        Standing::Unknown,
        Standing::Fine,
        Standing::Aside,
    ]
    .into_iter()
    .filter(|s| t[*s as usize] > 0)
    .map(|s| format!("{} {}", t[s as usize], s.word()))
    .collect();
    let noun = if total == 1 { "account" } else { "accounts" };
    format!("{total} {noun}: {}", parts.join(", "))
}

/// A standing as a labelled badge.
pub fn badge(s: Standing) -> String {
    format!("<span class=\"s {0}\">{0}</span>", s.word())
}

fn render_node(node: &Node, out: &mut String) {
    let state = node.standing().map(badge).unwrap_or_default();
    out.push_str(&format!(
        "<li><span class=\"ou\">{}</span> {state} <span class=\"n\">{}</span>",
        escape(&node.name),
        summary(node)
    ));
    out.push_str("<ul>");
    for a in &node.accounts {
        let verdict = match a.users {
            (0, _) => escape(&a.verdict),
            (1, flagged) => format!("1 user, {flagged} to look at"),
            (n, flagged) => format!("{n} users, {flagged} to look at"),
        };
        out.push_str(&format!(
            "<li>{} <span class=\"acct\">{}</span> <code>{}</code> <span class=\"v\">{}</span></li>",
            badge(a.standing),
            escape(&a.name),
            escape(&a.id),
            verdict
        ));
    }
    for c in &node.children {
        render_node(c, out);
    }
    out.push_str("</ul></li>");
}

/// The tree as a nested list (no script: every level is open).
pub fn render(top: &Node) -> String {
    let mut out = String::from("<ul class=\"tree\">");
    for root in &top.children {
        render_node(root, &mut out);
    }
    out.push_str("</ul>");
    out
}
