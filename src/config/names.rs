//! The shape of the names the settings carry: AWS region names and IAM role names. Nothing is
//! looked up.

/// An IAM role name (1–64 of letters, digits and `+=,.@_-`), optionally after a path
/// (`path/to/Name`).
pub(super) fn valid_role_name(name: &str) -> bool {
    let base = name.rsplit('/').next().unwrap_or("");
    (1..=64).contains(&base.len())
        && name.len() <= 512
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-/".contains(c))
}

/// The first part of every AWS region name, by partition: `aws` (us, eu, ap, sa, ca, me, af, il,
/// mx), `aws-cn` (cn), `aws-us-gov` (us-gov), the ISO partitions (us-iso, us-isob, us-isof,
/// eu-isoe) and the European Sovereign Cloud (eusc).
const REGION_PREFIXES: [&str; 11] = [
    "us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx", "cn", "eusc",
];

/// Whether `region` has the shape of an AWS region name (`us-east-1`, `us-gov-west-1`,
/// `cn-north-1`): lower-case words joined by `-`, a known partition's first word, a number last.
/// Nothing is looked up: a well-formed region that does not exist fails at the first call.
pub fn check_region(region: &str) -> Result<(), String> {
    let parts: Vec<&str> = region.split('-').collect();
    let shaped = parts.len() >= 3
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty();
    if shaped && REGION_PREFIXES.contains(&parts[0]) {
        Ok(())
    } else {
        Err(format!(
            "`{region}` is not an AWS region name (like us-east-1, eu-west-2, us-gov-west-1, cn-north-1)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::super::resolve_text;
    use super::*;

    #[test]
    fn region_names_are_checked_for_shape_and_partition_without_a_lookup() {
        for good in [
            "us-east-1",
            "eu-central-2",
            "ap-southeast-5",
            "us-gov-west-1",
            "cn-northwest-1",
            "us-isob-east-1",
            "il-central-1",
            "eusc-de-east-1",
        ] {
            assert_eq!(check_region(good), Ok(()), "{good}");
        }
        for bad in [
            "xx-nowhere-9",
            "us-east",
            "US-EAST-1",
            "us-east-1a",
            "useast1",
            "",
            "us--1",
            "us-east-x",
        ] {
            let err = check_region(bad).expect_err(bad);
            assert!(err.contains("is not an AWS region name"), "{err}");
        }
        let err = resolve_text("[aws]\nregion = \"xx-nowhere-9\"\n").expect_err("bad region");
        assert!(
            err.to_string()
                .starts_with("rootsweep.toml:2: key `region`"),
            "{err}"
        );
    }

    #[test]
    fn a_role_name_is_a_name_after_an_optional_path() {
        for good in [
            "OrganizationAccountAccessRole",
            "audit/RootsweepRead",
            "a+=,.@_-b",
        ] {
            assert!(valid_role_name(good), "{good}");
        }
        let long = "r".repeat(65);
        for bad in ["", "has space", "path/", long.as_str()] {
            assert!(!valid_role_name(bad), "{bad}");
        }
    }
}
