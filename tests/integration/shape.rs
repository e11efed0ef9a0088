//! The shape a maintainer can change, checked over every `src/**/*.rs` parsed with `syn`: no file
//! over 400 lines and no function over 80 lines outside tests, test fakes and the simulator's
//! scenario validation, no public type whose name repeats its module's, and none named as an
//! unrelated public type of its parent module (`run::ReadStage` beside `run::read::ReadStage`;
//! the pairs made of each other are listed with how). Each failure names
//! every culprit (file:line and its size, or the name and its module), not just the first.

use proc_macro2::Span;
use std::path::{Path, PathBuf};
use syn::visit::Visit;

/// The most lines a non-test file of `src/` may have.
const MAX_FILE_LINES: usize = 400;
/// The most lines a function outside the scenario validation may span, `fn` to closing brace.
const MAX_FN_LINES: usize = 80;

/// One file of `src/`: its path from the repository root (`src/users/mod.rs`) and its text.
struct Source {
    path: String,
    text: String,
}

/// Every `.rs` file under `src/`, in path order.
fn sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    collect(&root.join("src"), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|file| {
            let rel = file
                .strip_prefix(root)
                .expect("every file is under the repository");
            let path = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            let text = std::fs::read_to_string(&file).expect("a source file reads as UTF-8");
            Source { path, text }
        })
        .collect()
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ and its folders list") {
        let path = entry.expect("a folder entry reads").path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// Tests and test fakes: `*_tests.rs`, `tests.rs`, files under a `tests/` folder, `fake*.rs`, and
/// everything under `src/invariants/` (a `#[cfg(test)]` module).
fn is_test_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.ends_with("_tests.rs")
        || name == "tests.rs"
        || name.starts_with("fake")
        || path.contains("/tests/")
        || path.starts_with("src/invariants/")
}

/// The simulator's scenario validation, whose checks may be long lists.
fn is_scenario_validation(path: &str) -> bool {
    path.starts_with("src/sim/scenario/validate")
}

/// The module a file is: its stem, or its folder's name for `mod.rs`; none for the crate roots.
fn module_of(path: &str) -> Option<String> {
    let mut parts = path.rsplit('/');
    let file = parts.next()?;
    let stem = file.strip_suffix(".rs")?;
    match stem {
        "lib" | "main" if path.matches('/').count() == 1 => None,
        "mod" => parts.next().map(str::to_owned),
        _ => Some(stem.to_owned()),
    }
}

/// The module path a file is, from the crate root: `src/run/read.rs` → `run::read`,
/// `src/run/mod.rs` → `run`, the crate roots → none.
fn module_path(path: &str) -> Vec<String> {
    let inner = path.strip_prefix("src/").unwrap_or(path);
    let inner = inner.strip_suffix(".rs").unwrap_or(inner);
    let mut parts: Vec<String> = inner.split('/').map(str::to_owned).collect();
    if parts.last().is_some_and(|p| p == "mod") || matches!(inner, "lib" | "main") {
        parts.pop();
    }
    parts
}

/// `users_holdings` → `UsersHoldings`.
fn camel(snake: &str) -> String {
    snake
        .split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect()
            })
        })
        .collect()
}

/// Whether a type's name repeats its module's: the module's name in CamelCase starts the name (as
/// a whole word: `raw::RawAccount`, not `plan::Planned`) or ends it (`stats::CallStats`). A type
/// that *is* its module's noun (`job::Job`) does not repeat it.
fn repeats_module(name: &str, module: &str) -> bool {
    let module = camel(module);
    if name == module {
        return false;
    }
    let starts = name
        .strip_prefix(module.as_str())
        .and_then(|rest| rest.chars().next())
        .is_some_and(|next| next.is_uppercase() || next.is_ascii_digit());
    starts || name.ends_with(module.as_str())
}

/// Whether attributes put an item under `#[cfg(test)]` (or a `cfg` that names `test`).
fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        attr.path().is_ident("cfg")
            && match &attr.meta {
                syn::Meta::List(list) => list
                    .tokens
                    .to_string()
                    .split(|c: char| !c.is_alphanumeric() && c != '_')
                    .any(|word| word == "test"),
                _ => false,
            }
    })
}

/// Lines from `start` to `end`, both counted.
fn lines(start: Span, end: Span) -> (usize, usize) {
    let first = start.start().line;
    (first, end.end().line + 1 - first)
}

/// What one file's syntax tree says: its long functions and the public types that repeat their
/// module, each as `path:line …`. Items under `#[cfg(test)]` are not looked at.
#[derive(Default)]
struct Shape {
    path: String,
    /// The module each item is in: the file's module, then any inline `mod`s around it.
    modules: Vec<Option<String>>,
    long_fns: Vec<String>,
    repeated_names: Vec<String>,
    /// Every public type: its module path (`run::read`), its name, and `path:line`.
    public: Vec<(String, String, String)>,
}

impl Shape {
    fn of(path: &str, text: &str) -> Shape {
        let file = syn::parse_file(text).unwrap_or_else(|e| panic!("{path} parses: {e}"));
        let mut shape = Shape {
            path: path.to_owned(),
            modules: vec![module_of(path)],
            ..Shape::default()
        };
        shape.visit_file(&file);
        shape
    }

    fn function(&mut self, name: &syn::Ident, fn_token: Span, block: &syn::Block) {
        let (line, length) = lines(fn_token, block.brace_token.span.close());
        if length > MAX_FN_LINES {
            self.long_fns
                .push(format!("{}:{line} fn {name}: {length} lines", self.path));
        }
    }

    fn public_type(&mut self, vis: &syn::Visibility, name: &syn::Ident) {
        let Some(Some(module)) = self.modules.last() else {
            return;
        };
        let line = name.span().start().line;
        let name = name.to_string();
        if matches!(vis, syn::Visibility::Inherited) {
            return;
        }
        if repeats_module(&name, module) {
            self.repeated_names
                .push(format!("{}:{line} {module}::{name}", self.path));
        }
        let mut path = module_path(&self.path);
        path.extend(self.modules.iter().skip(1).flatten().cloned());
        self.public
            .push((path.join("::"), name, format!("{}:{line}", self.path)));
    }
}

impl<'ast> Visit<'ast> for Shape {
    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        if is_cfg_test(&item.attrs) {
            return;
        }
        self.modules.push(Some(item.ident.to_string()));
        syn::visit::visit_item_mod(self, item);
        self.modules.pop();
    }

    fn visit_item_impl(&mut self, item: &'ast syn::ItemImpl) {
        if !is_cfg_test(&item.attrs) {
            syn::visit::visit_item_impl(self, item);
        }
    }

    fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
        if is_cfg_test(&item.attrs) {
            return;
        }
        self.function(&item.sig.ident, item.sig.fn_token.span, &item.block);
        syn::visit::visit_item_fn(self, item);
    }

    fn visit_impl_item_fn(&mut self, item: &'ast syn::ImplItemFn) {
        if is_cfg_test(&item.attrs) {
            return;
        }
        self.function(&item.sig.ident, item.sig.fn_token.span, &item.block);
        syn::visit::visit_impl_item_fn(self, item);
    }

    fn visit_trait_item_fn(&mut self, item: &'ast syn::TraitItemFn) {
        if let Some(block) = &item.default {
            self.function(&item.sig.ident, item.sig.fn_token.span, block);
        }
        syn::visit::visit_trait_item_fn(self, item);
    }

    fn visit_item_struct(&mut self, item: &'ast syn::ItemStruct) {
        self.public_type(&item.vis, &item.ident);
    }

    fn visit_item_enum(&mut self, item: &'ast syn::ItemEnum) {
        self.public_type(&item.vis, &item.ident);
    }

    fn visit_item_trait(&mut self, item: &'ast syn::ItemTrait) {
        self.public_type(&item.vis, &item.ident);
        syn::visit::visit_item_trait(self, item);
    }

    fn visit_item_type(&mut self, item: &'ast syn::ItemType) {
        self.public_type(&item.vis, &item.ident);
    }
}

fn fail_with(what: &str, culprits: &[String]) {
    assert!(
        culprits.is_empty(),
        "{what} ({}):\n  {}",
        culprits.len(),
        culprits.join("\n  ")
    );
}

#[test]
fn no_file_outside_tests_and_fakes_is_over_400_lines() {
    let long: Vec<String> = sources()
        .iter()
        .filter(|s| !is_test_file(&s.path))
        .filter_map(|s| {
            let count = s.text.lines().count();
            (count > MAX_FILE_LINES).then(|| format!("{}:1 {count} lines", s.path))
        })
        .collect();
    fail_with(
        &format!("files over {MAX_FILE_LINES} lines: split them by concern"),
        &long,
    );
}

#[test]
fn no_function_outside_scenario_validation_is_over_80_lines() {
    let long: Vec<String> = sources()
        .iter()
        .filter(|s| !is_test_file(&s.path) && !is_scenario_validation(&s.path))
        .flat_map(|s| Shape::of(&s.path, &s.text).long_fns)
        .collect();
    fail_with(
        &format!("functions over {MAX_FN_LINES} lines: split them into named pieces"),
        &long,
    );
}

#[test]
fn no_public_type_repeats_the_name_of_its_module() {
    let repeated: Vec<String> = sources()
        .iter()
        .filter(|s| !is_test_file(&s.path))
        .flat_map(|s| Shape::of(&s.path, &s.text).repeated_names)
        .collect();
    fail_with(
        "public types whose name repeats their module's (`raw::RawAccount` should be `raw::Account`)",
        &repeated,
    );
}

#[test]
fn a_name_repeats_its_module_when_the_module_starts_or_ends_it_as_a_word() {
    assert!(repeats_module("RawAccount", "raw"));
    assert!(repeats_module("CallStats", "stats"));
    assert!(repeats_module("ConfigError", "config"));
    assert!(repeats_module("UsersJob", "users"));
    assert!(repeats_module("UsersHoldingsRead", "users_holdings"));
    assert!(repeats_module("Raw2", "raw"));
    assert!(!repeats_module("Job", "job"));
    assert!(!repeats_module("Planned", "plan"));
    assert!(!repeats_module("User", "users"));
    assert!(!repeats_module("Account", "raw"));
}

#[test]
fn tests_fakes_and_invariants_are_test_files_and_crate_roots_have_no_module() {
    for test in [
        "src/users/tidy_tests.rs",
        "src/root/tests.rs",
        "src/sim/tests/wire.rs",
        "src/users/fake.rs",
        "src/root/fake_sessions.rs",
        "src/invariants/users.rs",
    ] {
        assert!(is_test_file(test), "{test}");
    }
    for code in [
        "src/users/mod.rs",
        "src/users/tidy.rs",
        "src/report/contest.rs",
    ] {
        assert!(!is_test_file(code), "{code}");
    }
    assert_eq!(module_of("src/users/mod.rs").as_deref(), Some("users"));
    assert_eq!(module_of("src/aws/stats.rs").as_deref(), Some("stats"));
    assert_eq!(module_of("src/sim/main.rs").as_deref(), Some("main"));
    assert_eq!(module_of("src/lib.rs"), None);
    assert_eq!(module_of("src/main.rs"), None);
}

#[test]
fn a_function_is_measured_from_fn_to_its_closing_brace_outside_test_modules() {
    let body = "    let x = 1;\n".repeat(MAX_FN_LINES - 2);
    let text = format!(
        "/// A doc line that does not count.\n\
         pub fn fits() {{\n{body}}}\n\
         pub fn over() {{\n{body}    fn nested() {{}}\n}}\n\
         impl S {{ fn method() {{\n{body}\n}} }}\n\
         #[cfg(test)]\nmod tests {{ fn long() {{\n{body}\n\n}} }}\n\
         pub struct FileThing;\n\
         mod inner {{ pub struct InnerThing; pub(crate) enum InnerKind {{}} struct InnerPrivate; }}\n"
    );
    let shape = Shape::of("src/file.rs", &text);
    let fns: Vec<&str> = shape
        .long_fns
        .iter()
        .map(|f| f.split_whitespace().nth(2).unwrap_or_default())
        .collect();
    assert_eq!(fns, ["over:", "method:"], "{:?}", shape.long_fns);
    assert_eq!(
        shape.long_fns[0],
        format!(
            "src/file.rs:{} fn over: {} lines",
            MAX_FN_LINES + 2,
            MAX_FN_LINES + 1
        )
    );
    let names: Vec<&str> = shape
        .repeated_names
        .iter()
        .map(|n| n.rsplit(' ').next().unwrap_or_default())
        .collect();
    assert_eq!(
        names,
        ["file::FileThing", "inner::InnerThing", "inner::InnerKind"]
    );
}

/// Parent and child modules whose public types share a name because the parent's is made of the
/// child's, each with what relates them. Any other pair is two unrelated types of one name.
const RELATED: [(&str, &str, &str); 5] = [
    (
        "Handler",
        "sim::services::iam",
        "its Account variant holds root's and users' handlers",
    ),
    (
        "Handler",
        "sim::services::iam",
        "its Account variant holds root's and users' handlers",
    ),
    (
        "Scenario",
        "sim::scenario",
        "validated from the raw::Scenario that the TOML parses into",
    ),
    (
        "Command",
        "cli",
        "its Unlock and Users variants hold unlock's and users' subcommands",
    ),
    (
        "Command",
        "cli",
        "its Unlock and Users variants hold unlock's and users' subcommands",
    ),
];

/// Each public type whose name a public type of its parent module also has (`run::ReadStage`
/// beside `run::read::ReadStage`), as `child path:line name (parent path:line)`.
fn shared_with_parent(public: &[(String, String, String)]) -> Vec<(String, String, String)> {
    let mut found = Vec::new();
    for (module, name, at) in public {
        let parent = module.rsplit_once("::").map_or("", |(p, _)| p);
        if module.is_empty() {
            continue;
        }
        for (other, other_name, other_at) in public {
            if other == parent && other_name == name {
                found.push((
                    name.clone(),
                    parent.to_owned(),
                    format!("{at} {module}::{name} ({other_at} {parent}::{name})"),
                ));
            }
        }
    }
    found
}

#[test]
fn no_type_shares_its_name_with_an_unrelated_type_of_its_parent_module() {
    let public: Vec<(String, String, String)> = sources()
        .iter()
        .filter(|s| !is_test_file(&s.path))
        .flat_map(|s| Shape::of(&s.path, &s.text).public)
        .collect();
    let mut allowed = RELATED.to_vec();
    let mut unrelated = Vec::new();
    for (name, parent, culprit) in shared_with_parent(&public) {
        match allowed
            .iter()
            .position(|(n, p, _)| *n == name && *p == parent)
        {
            Some(i) => {
                allowed.remove(i);
            }
            None => unrelated.push(culprit),
        }
    }
    fail_with(
        "types named as a type of their parent module (rename one, or say in RELATED how they are made of each other)",
        &unrelated,
    );
    let stale: Vec<String> = allowed
        .iter()
        .map(|(n, p, why)| format!("{p}: {n} ({why})"))
        .collect();
    fail_with("RELATED pairs that no longer exist: remove them", &stale);
}

#[test]
fn a_type_named_as_one_of_its_parent_module_is_found_and_its_module_path_is_the_file_s() {
    assert_eq!(module_path("src/run/read.rs"), ["run", "read"]);
    assert_eq!(module_path("src/run/mod.rs"), ["run"]);
    assert!(module_path("src/lib.rs").is_empty());
    let parent = Shape::of("src/run/mod.rs", "pub struct ReadStage; pub struct Other;");
    let child = Shape::of(
        "src/run/read.rs",
        "pub(crate) struct ReadStage; pub struct Other2; struct Private;\n\
         mod inner { pub struct Other2; }",
    );
    let public: Vec<_> = parent.public.into_iter().chain(child.public).collect();
    let found: Vec<String> = shared_with_parent(&public)
        .into_iter()
        .map(|f| f.2)
        .collect();
    assert_eq!(
        found,
        [
            "src/run/read.rs:1 run::read::ReadStage (src/run/mod.rs:1 run::ReadStage)",
            "src/run/read.rs:2 run::read::inner::Other2 (src/run/read.rs:1 run::read::Other2)",
        ]
    );
}
