//! SSH public key bodies as `GetSSHPublicKey` answers them: the OpenSSH line (`Encoding=SSH`),
//! the same RSA key as an X.509 `PUBLIC KEY` block (`Encoding=PEM`), and the MD5 fingerprint of
//! the key blob. A key the scenario gives no body gets a deterministic RSA key made from its id.
//!
//! Plain functions over strings; no wire format, no state.

use aws_smithy_types::base64;

/// The key type IAM accepts for SSH public keys (CodeCommit).
const RSA: &str = "ssh-rsa";

/// Why a scenario's SSH key body is refused.
pub(crate) const BODY_FORMAT: &str =
    "an OpenSSH RSA public key: \"ssh-rsa <base64 key blob> [comment]\"";

/// The OpenSSH line of the key with this id when the scenario gives none: an RSA key whose
/// 2048-bit modulus is drawn from the id, with the id as its comment.
pub(crate) fn generated(id: &str) -> String {
    let mut seed = id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let mut modulus = vec![0u8];
    while modulus.len() < 257 {
        // splitmix64: a fixed, seedable stream (no randomness: the body must not change).
        seed = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        modulus.extend_from_slice(&(z ^ (z >> 31)).to_be_bytes());
    }
    modulus.truncate(257);
    modulus[1] |= 0x80;
    let mut blob = Vec::with_capacity(300);
    for field in [RSA.as_bytes(), &[0x01, 0x00, 0x01], &modulus] {
        blob.extend_from_slice(&(field.len() as u32).to_be_bytes());
        blob.extend_from_slice(field);
    }
    format!("{RSA} {} {id}", base64::encode(&blob))
}

/// The key blob of an OpenSSH RSA line and its exponent and modulus, if it is one.
fn parse(line: &str) -> Option<(Vec<u8>, Vec<u8>, Vec<u8>)> {
    let mut words = line.split_whitespace();
    if words.next()? != RSA {
        return None;
    }
    let blob = base64::decode(words.next()?).ok()?;
    let mut rest = blob.as_slice();
    let mut field = || -> Option<Vec<u8>> {
        let len = u32::from_be_bytes(rest.get(..4)?.try_into().ok()?) as usize;
        let value = rest.get(4..4 + len)?.to_vec();
        rest = &rest[4 + len..];
        Some(value)
    };
    let (kind, e, n) = (field()?, field()?, field()?);
    (kind == RSA.as_bytes() && !e.is_empty() && !n.is_empty()).then(|| (blob.clone(), e, n))
}

/// Whether a scenario's body is an OpenSSH RSA public key line.
pub(crate) fn valid(line: &str) -> bool {
    parse(line).is_some()
}

/// `xx:xx:…` (16 bytes): the MD5 of the key blob, as IAM and `ssh-keygen -E md5` show it.
pub(crate) fn fingerprint(line: &str) -> String {
    let blob = parse(line).map_or_else(|| line.as_bytes().to_vec(), |(blob, _, _)| blob);
    let digest = crate::sim::world::md5::digest(&blob);
    let hex: Vec<String> = digest.iter().map(|b| format!("{b:02x}")).collect();
    hex.join(":")
}

/// The key as a PEM `PUBLIC KEY` block (X.509 SubjectPublicKeyInfo of the RSA key).
pub(crate) fn pem(line: &str) -> String {
    let der = match parse(line) {
        Some((_, e, n)) => {
            let rsa = der(0x30, &[der(0x02, &n), der(0x02, &e)].concat());
            // AlgorithmIdentifier: rsaEncryption (1.2.840.113549.1.1.1), NULL parameters.
            let algorithm = der(
                0x30,
                &[
                    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
                ],
            );
            let key = der(0x03, &[&[0u8][..], &rsa].concat());
            der(0x30, &[algorithm, key].concat())
        }
        None => line.as_bytes().to_vec(),
    };
    let encoded = base64::encode(&der);
    let mut out = String::from("-----BEGIN PUBLIC KEY-----\n");
    for chunk in encoded.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str("-----END PUBLIC KEY-----\n");
    out
}

/// A DER element: tag, definite length, content. SSH mpints are already DER INTEGER content
/// (big-endian two's complement, minimal).
fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let len = content.len();
    let mut out = vec![tag];
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_bodies_are_rsa_keys_that_differ_per_id_and_never_change() {
        let a = generated("APKA222222222201AAAA");
        assert!(a.starts_with("ssh-rsa AAAAB3NzaC1yc2E"), "{a}");
        assert!(a.ends_with(" APKA222222222201AAAA"), "{a}");
        assert!(valid(&a));
        assert_eq!(a, generated("APKA222222222201AAAA"));
        assert_ne!(a, generated("APKA222222222201AAAB"));
    }

    /// A throwaway key made with `ssh-keygen -t rsa -b 2048`; `ssh-keygen -E md5 -lf` and
    /// `ssh-keygen -e -m PKCS8 -f` of it printed the fingerprint and the PEM below.
    const KEY: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDXefP67oP145ufWUe0P7o98bSI8SjaAZwb7Ar+eqi7OnHkFarasbZZzDUuXIyrV/ltmL77rp5nR0b/8BqqlyVXJBuuqlofLsD8xMTY2Gg/jMvzkaTz+QT+gYAVmp6GACRGOs6a5t6wx5aYhs8fBheDBFIco9Yo8D1c5caG5DG0wqOE/jNxOeGQbnDQ2enKJ9c46IBdZ1DlOAhR6U4IbW1ZKuQPtA92oGiYKZKclhzO16c1iaE9dLyc4dLxEPqkYGx/2zH5bhP+2TA0dkGFvU1zLnKnDcaczQqWoq/BKGjAmVdtTVDRbWt8ge+BA5RJXHEkq3qnILr6LGtXNZjSNTtn test@example";

    #[test]
    fn fingerprint_and_pem_match_what_ssh_keygen_prints_for_the_same_key() {
        assert_eq!(
            fingerprint(KEY),
            "2f:8e:2c:b6:5e:16:21:8a:6e:0f:cc:6e:96:ed:16:0a"
        );
        assert_eq!(
            pem(KEY),
            "-----BEGIN PUBLIC KEY-----\n\
             MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA13nz+u6D9eObn1lHtD+6\n\
             PfG0iPEo2gGcG+wK/nqouzpx5BWq2rG2Wcw1LlyMq1f5bZi++66eZ0dG//Aaqpcl\n\
             VyQbrqpaHy7A/MTE2NhoP4zL85Gk8/kE/oGAFZqehgAkRjrOmubesMeWmIbPHwYX\n\
             gwRSHKPWKPA9XOXGhuQxtMKjhP4zcTnhkG5w0NnpyifXOOiAXWdQ5TgIUelOCG1t\n\
             WSrkD7QPdqBomCmSnJYcztenNYmhPXS8nOHS8RD6pGBsf9sx+W4T/tkwNHZBhb1N\n\
             cy5ypw3GnM0KlqKvwShowJlXbU1Q0W1rfIHvgQOUSVxxJKt6pyC6+ixrVzWY0jU7\n\
             ZwIDAQAB\n\
             -----END PUBLIC KEY-----\n"
        );
        let uncommented = KEY.trim_end_matches(" test@example");
        assert_eq!(fingerprint(uncommented), fingerprint(KEY));
    }

    #[test]
    fn generated_keys_have_a_pem_form_and_a_fingerprint_too() {
        let line = generated("APKA1");
        let pem = pem(&line);
        assert!(pem.starts_with(
            "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"
        ));
        assert!(pem.lines().all(|l| l.len() <= 64));
        assert_eq!(fingerprint(&line).len(), 47);
    }

    #[test]
    fn only_openssh_rsa_lines_are_valid_bodies() {
        assert!(!valid("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIL0"));
        assert!(!valid("ssh-rsa not-base64!"));
        assert!(!valid("ssh-rsa AAAAB3NzaC1yc2E="));
        assert!(!valid("-----BEGIN PUBLIC KEY-----"));
    }
}
