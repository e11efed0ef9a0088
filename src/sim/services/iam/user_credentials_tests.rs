//! Tests of the credential reads of IAM users (`user_credentials`): SSH public key bodies,
//! signing certificate bodies, service-specific credentials of one user or all.

use crate::sim::test_world::{iam, scenario, texts, world};
use crate::sim::world::ssh_key;

const KEY: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDBwaDtSRNONc3Pr3p4cTgtAiC0JMCdbk02DzDYSr1xw8hwlO8Ylt4WdhGAYJgWGV/ee4l3xCqxgh3ErIA4zlsWNxsiSqsHp8L61rx0XgHqiSL+v/ePzq8EJOTnp+tljIAVEDrwHV/cRWPFUXV2T0PW/5u2cD7NbHUy0ZzTp6c3Gw== given";

fn account() -> String {
    format!(
        r#"
[[accounts]]
id = "222222222222"
[[accounts.users]]
name = "alice"
ssh_keys = [{{ id = "APKAGIVEN", body = "{KEY}" }}, {{ id = "APKAMADE", active = false }}]
signing_certificates = [{{ body = "-----BEGIN CERTIFICATE-----\nMIIBgiven\n-----END CERTIFICATE-----\n" }}]
service_credentials = [{{ service = "codecommit.amazonaws.com", id = "ACCA1" }}, {{ service = "cassandra.amazonaws.com", id = "ACCA2" }}]
[[accounts.users]]
name = "bob"
[[accounts.users]]
name = "carol"
service_credentials = [{{ service = "codecommit.amazonaws.com", id = "ACCA3" }}]
"#
    )
}

const M: &str = "222222222222";

fn get(key: &str, encoding: &str) -> Result<String, crate::sim::services::error::Error> {
    let w = world(&scenario("", &account()));
    let p = [
        ("UserName", "Alice"),
        ("SSHPublicKeyId", key),
        ("Encoding", encoding),
    ];
    iam(&w, M, "GetSSHPublicKey", &p)
}

#[test]
fn get_ssh_public_key_answers_the_given_or_generated_body_in_either_encoding() {
    let ssh = get("APKAGIVEN", "SSH").expect("SSH");
    assert_eq!(texts(&ssh, "UserName"), ["alice"]);
    assert_eq!(texts(&ssh, "SSHPublicKeyBody"), [KEY]);
    assert_eq!(
        texts(&ssh, "Fingerprint"),
        [ssh_key::fingerprint(KEY).as_str()]
    );
    assert_eq!(texts(&ssh, "Status"), ["Active"]);
    assert_eq!(texts(&ssh, "UploadDate").len(), 1);
    let pem = get("APKAGIVEN", "PEM").expect("PEM");
    assert_eq!(
        texts(&pem, "SSHPublicKeyBody"),
        [ssh_key::pem(KEY).as_str()]
    );
    assert_eq!(texts(&pem, "Fingerprint"), texts(&ssh, "Fingerprint"));
    let made = get("APKAMADE", "SSH").expect("generated");
    assert_eq!(
        texts(&made, "SSHPublicKeyBody"),
        [ssh_key::generated("APKAMADE").as_str()]
    );
    assert_eq!(texts(&made, "Status"), ["Inactive"]);
}

#[test]
fn get_ssh_public_key_refuses_unknown_keys_users_and_encodings() {
    let code = |r: Result<String, crate::sim::services::error::Error>| {
        r.map_err(|e| (e.status, e.code.to_string()))
    };
    assert_eq!(
        code(get("APKANONE", "SSH")),
        Err((404, "NoSuchEntity".into()))
    );
    assert_eq!(
        code(get("APKAGIVEN", "RSA")),
        Err((400, "ValidationError".into()))
    );
    let w = world(&scenario("", &account()));
    let no_encoding = iam(
        &w,
        M,
        "GetSSHPublicKey",
        &[("UserName", "alice"), ("SSHPublicKeyId", "APKAGIVEN")],
    );
    assert_eq!(code(no_encoding), Err((400, "ValidationError".into())));
    let p = [
        ("UserName", "dave"),
        ("SSHPublicKeyId", "APKAGIVEN"),
        ("Encoding", "SSH"),
    ];
    assert_eq!(
        code(iam(&w, M, "GetSSHPublicKey", &p)),
        Err((404, "NoSuchEntity".into()))
    );
}

#[test]
fn a_given_certificate_body_is_listed_as_given() {
    let w = world(&scenario("", &account()));
    let certs = iam(&w, M, "ListSigningCertificates", &[("UserName", "alice")]).expect("list");
    assert_eq!(
        texts(&certs, "CertificateBody"),
        ["-----BEGIN CERTIFICATE-----\nMIIBgiven\n-----END CERTIFICATE-----\n"]
    );
}

/// Every page of ListServiceSpecificCredentials with `params`, as (user, id) pairs.
fn all_pages(
    w: &crate::sim::world::state::World,
    params: &[(&str, &str)],
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut marker: Option<String> = None;
    for _ in 0..10 {
        let mut p = params.to_vec();
        if let Some(m) = &marker {
            p.push(("Marker", m));
        }
        let xml = iam(w, M, "ListServiceSpecificCredentials", &p).expect("page");
        let (users, ids) = (
            texts(&xml, "UserName"),
            texts(&xml, "ServiceSpecificCredentialId"),
        );
        assert!(ids.len() <= 1, "iam_page_size = 1: {xml}");
        out.extend(
            users
                .iter()
                .zip(&ids)
                .map(|(u, i)| (u.to_string(), i.to_string())),
        );
        match texts(&xml, "Marker").first() {
            Some(m) => marker = Some(m.to_string()),
            None => return out,
        }
    }
    panic!("more pages than credentials")
}

#[test]
fn service_credentials_of_every_user_are_paged_with_all_users() {
    let w = world(&scenario("iam_page_size = 1", &account()));
    let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    assert_eq!(
        all_pages(&w, &[("AllUsers", "true")]),
        pairs(&[("alice", "ACCA1"), ("alice", "ACCA2"), ("carol", "ACCA3")])
    );
    assert_eq!(
        all_pages(
            &w,
            &[
                ("AllUsers", "true"),
                ("ServiceName", "codecommit.amazonaws.com")
            ]
        ),
        pairs(&[("alice", "ACCA1"), ("carol", "ACCA3")])
    );
    assert_eq!(
        all_pages(&w, &[("UserName", "alice"), ("AllUsers", "false")]),
        pairs(&[("alice", "ACCA1"), ("alice", "ACCA2")])
    );
    let both = iam(
        &w,
        M,
        "ListServiceSpecificCredentials",
        &[("AllUsers", "true"), ("UserName", "alice")],
    );
    assert_eq!(both.map_err(|e| e.code), Err("ValidationError".into()));
    let neither = iam(&w, M, "ListServiceSpecificCredentials", &[]);
    assert_eq!(
        neither.map_err(|e| e.code),
        Err("ValidationError".into()),
        "a role session names the user"
    );
}
