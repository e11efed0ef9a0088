//! `[guardrails]` checked and converted: policy ids, types and targets as Organizations allows
//! them, `FullAWSAccess` / `RCPFullAWSAccess` attached everywhere their type is enabled, and
//! denials that name a policy attached on the account's path. The documents stay text: the
//! simulator never evaluates them.

use crate::sim::scenario::raw_guardrails as raw;
use crate::sim::scenario::source::{Error, Source};
use crate::sim::world::guardrails::{Denial, Guardrails, Policy, PolicyType, Why};
use crate::sim::world::model::{Account, Organization, Ou};
use toml::Spanned;

type Result<T> = std::result::Result<T, Error>;

/// Validates `[guardrails]` against the organization's root, OUs and accounts.
pub(crate) fn guardrails(
    g: &raw::Guardrails,
    org: &Organization,
    ous: &[Ou],
    accounts: &[Account],
    src: &Source<'_>,
) -> Result<Guardrails> {
    let known = |t: &str| {
        t == org.root_id || ous.iter().any(|o| o.id == t) || accounts.iter().any(|a| a.id == t)
    };
    let target = |t: &Spanned<String>, key: &str| -> Result<String> {
        if known(t.get_ref()) {
            Ok(t.get_ref().clone())
        } else {
            Err(src.error(
                t.span(),
                key,
                format!("{:?} is not the root, an OU or an account", t.get_ref()),
            ))
        }
    };
    let enabled = enabled(g, org, src)?;
    let mut everywhere: Vec<String> = vec![org.root_id.clone()];
    everywhere.extend(ous.iter().map(|o| o.id.clone()));
    everywhere.extend(accounts.iter().map(|a| a.id.clone()));
    let detached = g
        .full_aws_access_detached
        .iter()
        .map(|t| target(t, "full_aws_access_detached"))
        .collect::<Result<Vec<_>>>()?;
    let mut policies: Vec<Policy> = enabled
        .iter()
        .map(|kind| {
            let (id, name, content) = kind.full_access();
            let skip = *kind == PolicyType::ServiceControl;
            Policy {
                id: id.into(),
                name: name.into(),
                description: "Allows access to every operation".into(),
                kind: *kind,
                aws_managed: true,
                content: content.into(),
                targets: everywhere
                    .iter()
                    .filter(|t| !(skip && detached.contains(t)))
                    .cloned()
                    .collect(),
            }
        })
        .collect();
    for p in &g.policies {
        let policy = policy(p, &enabled, &policies, src, &target)?;
        policies.push(policy);
    }
    for (t, raw_t) in detached.iter().zip(&g.full_aws_access_detached) {
        let scps = policies
            .iter()
            .filter(|p| p.kind == PolicyType::ServiceControl && p.targets.contains(t))
            .count();
        if scps == 0 {
            return Err(src.error(
                raw_t.span(),
                "full_aws_access_detached",
                format!("{t} would have no SCP attached (Organizations keeps at least one)"),
            ));
        }
    }
    let mut out = Guardrails {
        enabled,
        policies,
        denials: Vec::new(),
    };
    for d in &g.denials {
        let denial = denial(d, &out, org, ous, accounts, src)?;
        out.denials.push(denial);
    }
    Ok(out)
}

/// The enabled policy types: as listed, else SCPs (all features) and RCPs when one is declared.
fn enabled(g: &raw::Guardrails, org: &Organization, src: &Source<'_>) -> Result<Vec<PolicyType>> {
    let listed = match &g.policy_types {
        Some(types) => types
            .iter()
            .map(|t| {
                PolicyType::from_name(t.get_ref()).ok_or_else(|| {
                    src.error(
                        t.span(),
                        "policy_types",
                        format!(
                            "unknown policy type {:?} (SERVICE_CONTROL_POLICY, RESOURCE_CONTROL_POLICY)",
                            t.get_ref()
                        ),
                    )
                })
            })
            .collect::<Result<Vec<_>>>()?,
        None if !org.all_features => Vec::new(),
        None => {
            let rcp = g
                .policies
                .iter()
                .any(|p| p.kind.get_ref() == PolicyType::ResourceControl.as_str());
            let mut v = vec![PolicyType::ServiceControl];
            v.extend(rcp.then_some(PolicyType::ResourceControl));
            v
        }
    };
    match (&g.policy_types, org.all_features) {
        (Some(types), false) if !listed.is_empty() => Err(src.error(
            types[0].span(),
            "policy_types",
            "policy types need an organization with all features",
        )),
        _ => Ok(listed),
    }
}

fn policy(
    p: &raw::Policy,
    enabled: &[PolicyType],
    declared: &[Policy],
    src: &Source<'_>,
    target: &dyn Fn(&Spanned<String>, &str) -> Result<String>,
) -> Result<Policy> {
    let id = p.id.get_ref();
    let id_ok = id.len() >= 10
        && id.len() <= 130
        && id.starts_with("p-")
        && id[2..]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !id_ok || declared.iter().any(|d| &d.id == id) {
        return Err(src.error(
            p.id.span(),
            "id",
            format!("{id:?} is a duplicate or not a policy id (p- and 8-128 letters, digits, _)"),
        ));
    }
    let kind = PolicyType::from_name(p.kind.get_ref())
        .filter(|k| enabled.contains(k))
        .ok_or_else(|| {
            src.error(
                p.kind.span(),
                "type",
                format!("{:?} is not an enabled policy type", p.kind.get_ref()),
            )
        })?;
    if !matches!(
        serde_json::from_str::<serde_json::Value>(p.content.get_ref()),
        Ok(serde_json::Value::Object(_))
    ) {
        return Err(src.error(
            p.content.span(),
            "content",
            "a policy document must be a JSON object",
        ));
    }
    let targets = p
        .targets
        .iter()
        .map(|t| target(t, "targets"))
        .collect::<Result<Vec<_>>>()?;
    Ok(Policy {
        id: id.clone(),
        name: p.name.clone(),
        description: p.description.clone().unwrap_or_default(),
        kind,
        aws_managed: false,
        content: p.content.get_ref().clone(),
        targets,
    })
}

fn denial(
    d: &raw::Denial,
    g: &Guardrails,
    org: &Organization,
    ous: &[Ou],
    accounts: &[Account],
    src: &Source<'_>,
) -> Result<Denial> {
    if d.accounts.get_ref().is_empty() {
        return Err(src.error(d.accounts.span(), "accounts", "name at least one account"));
    }
    let actions = d.actions.get_ref();
    if actions.is_empty() || actions.iter().any(|a| a != "*" && !a.contains(':')) {
        return Err(src.error(
            d.actions.span(),
            "actions",
            "actions are `service:Action` patterns or `*`",
        ));
    }
    let why =
        match (&d.policy, d.no_allow) {
            (Some(p), false) => {
                if g.policy(p.get_ref()).is_none() {
                    return Err(src.error(p.span(), "policy", "no such policy in [guardrails]"));
                }
                Why::Explicit {
                    policy: p.get_ref().clone(),
                }
            }
            (None, true) if !d.policy_arn_in_message => Why::NoAllow,
            _ => return Err(src.error(
                d.actions.span(),
                "policy",
                "a denial names its `policy` or says `no_allow = true` (then with no policy ARN)",
            )),
        };
    let mut ids = Vec::new();
    for a in d.accounts.get_ref() {
        let Some(account) = accounts.iter().find(|x| &x.id == a.get_ref()) else {
            return Err(src.error(a.span(), "accounts", "no such account"));
        };
        if account.id == org.management_account {
            return Err(src.error(
                a.span(),
                "accounts",
                "SCPs and RCPs never apply to the management account",
            ));
        }
        if let Why::Explicit { policy } = &why {
            let path = path(org, ous, account);
            let on_path = g
                .policy(policy)
                .is_some_and(|p| p.targets.iter().any(|t| path.contains(t)));
            if !on_path {
                return Err(src.error(
                    a.span(),
                    "accounts",
                    format!("{policy} is not attached on the path of {}", account.id),
                ));
            }
        }
        ids.push(account.id.clone());
    }
    Ok(Denial {
        accounts: ids,
        actions: actions.clone(),
        why,
        arn_in_message: d.policy_arn_in_message,
    })
}

/// The root, each OU down to the account, and the account.
fn path(org: &Organization, ous: &[Ou], account: &Account) -> Vec<String> {
    let mut path = vec![account.id.clone()];
    let mut current = account.parent.as_str();
    while let Some(ou) = ous.iter().find(|o| o.id == current) {
        path.push(ou.id.clone());
        current = &ou.parent;
    }
    path.push(org.root_id.clone());
    path
}

#[cfg(test)]
mod tests {
    use crate::sim::world::guardrails::{PolicyType, Why};
    use crate::sim::Scenario;

    const HEAD: &str = "[organization]\nid = \"o-abcdefghij\"\nmanagement_account = \"111111111111\"\nroot_id = \"r-ab12\"\n\
        [[callers]]\naccess_key_id = \"AKIAMANAGEMENT000001\"\nsecret_access_key = \"s\"\naccount = \"111111111111\"\n\
        [[ous]]\nid = \"ou-ab12-11111111\"\nname = \"a\"\nparent = \"r-ab12\"\n\
        [[accounts]]\nid = \"222222222222\"\nou = \"ou-ab12-11111111\"\n\
        [[accounts]]\nid = \"333333333333\"\n";

    const DENY: &str = "[[guardrails.policies]]\nid = \"p-deny00001\"\nname = \"d\"\ntype = \"SERVICE_CONTROL_POLICY\"\n\
        targets = [\"ou-ab12-11111111\"]\ncontent = '{\"Statement\":[]}'\n";

    fn error(text: &str) -> String {
        match Scenario::from_toml_str(&format!("{HEAD}{text}"), "g.toml") {
            Ok(_) => panic!("accepted: {text}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn full_aws_access_is_attached_everywhere_but_where_detached_and_rcps_appear_when_declared() {
        let text = format!(
            "{HEAD}{DENY}[guardrails]\nfull_aws_access_detached = [\"ou-ab12-11111111\"]\n\
             [[guardrails.policies]]\nid = \"p-rcp000001\"\nname = \"r\"\ntype = \"RESOURCE_CONTROL_POLICY\"\n\
             targets = [\"333333333333\"]\ncontent = '{{}}'\n"
        );
        let s = Scenario::from_toml_str(&text, "g.toml").expect("valid");
        let g = &s.org.guardrails;
        assert_eq!(
            g.enabled,
            [PolicyType::ServiceControl, PolicyType::ResourceControl]
        );
        let full = g.policy("p-FullAWSAccess").expect("FullAWSAccess");
        assert!(full.aws_managed);
        assert_eq!(
            full.targets,
            ["r-ab12", "111111111111", "222222222222", "333333333333"]
        );
        let rcp = g.policy("p-RCPFullAWSAccess").expect("RCPFullAWSAccess");
        assert!(rcp.targets.contains(&"ou-ab12-11111111".to_string()));
        let plain = Scenario::from_toml_str(HEAD, "g.toml").expect("valid");
        assert_eq!(plain.org.guardrails.enabled, [PolicyType::ServiceControl]);
    }

    #[test]
    fn a_denial_names_a_policy_on_the_account_s_path_or_no_allow() {
        let ok = format!(
            "{HEAD}{DENY}[[guardrails.denials]]\naccounts = [\"222222222222\"]\nactions = [\"iam:*\"]\npolicy = \"p-deny00001\"\n\
             [[guardrails.denials]]\naccounts = [\"333333333333\"]\nactions = [\"*\"]\nno_allow = true\n"
        );
        let s = Scenario::from_toml_str(&ok, "g.toml").expect("valid");
        let d = &s.org.guardrails.denials;
        assert_eq!(
            d[0].why,
            Why::Explicit {
                policy: "p-deny00001".into()
            }
        );
        assert_eq!(d[1].why, Why::NoAllow);
        let off_path = format!("{DENY}[[guardrails.denials]]\naccounts = [\"333333333333\"]\nactions = [\"*\"]\npolicy = \"p-deny00001\"\n");
        assert!(error(&off_path).contains("not attached on the path"));
        let management = "[[guardrails.denials]]\naccounts = [\"111111111111\"]\nactions = [\"*\"]\nno_allow = true\n";
        assert!(error(management).contains("management account"));
        let neither = "[[guardrails.denials]]\naccounts = [\"222222222222\"]\nactions = [\"*\"]\n";
        assert!(error(neither).contains("no_allow"));
        let bad_action = "[[guardrails.denials]]\naccounts = [\"222222222222\"]\nactions = [\"DeleteLoginProfile\"]\nno_allow = true\n";
        assert!(error(bad_action).contains("service:Action"));
    }

    #[test]
    fn bad_policies_and_a_target_left_without_an_scp_are_scenario_errors() {
        assert!(
            error("[guardrails]\nfull_aws_access_detached = [\"222222222222\"]\n")
                .contains("no SCP attached")
        );
        assert!(error(&DENY.replace("p-deny00001", "p-x")).contains("not a policy id"));
        assert!(error(&DENY.replace("SERVICE_CONTROL_POLICY", "TAG_POLICY"))
            .contains("enabled policy type"));
        assert!(
            error(&DENY.replace("ou-ab12-11111111", "ou-ab12-99999999")).contains("not the root")
        );
        assert!(error(&DENY.replace("'{\"Statement\":[]}'", "'[]'")).contains("JSON object"));
        assert!(error(&format!("{DENY}{DENY}")).contains("duplicate"));
        assert!(error("[guardrails]\npolicy_types = [\"NOPE\"]\n").contains("unknown policy type"));
    }
}
