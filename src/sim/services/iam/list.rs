//! Shared pieces of the IAM handlers: required and enumerated parameters, `NoSuchEntity`, and
//! `Marker`/`IsTruncated` list pages cut to `iam_page_size`.

use crate::sim::services::error::Error;
use crate::sim::services::page::page;
use crate::sim::services::request::Params;
use crate::sim::services::xml::Xml;
use crate::sim::world::credentials::Certificate;

pub(crate) fn required<'a>(params: &'a Params, name: &str) -> Result<&'a str, Error> {
    params.str(name).ok_or_else(|| {
        Error::new(400, "ValidationError", format!("1 validation error detected: Value null at '{name}' failed to satisfy constraint: Member must not be null"))
    })
}

/// The required parameter `name` (`field` in AWS's messages), which must be one of `values`.
pub(crate) fn one_of<'a>(
    params: &'a Params,
    name: &str,
    field: &str,
    values: &[&str],
) -> Result<&'a str, Error> {
    let value = required(params, name)?;
    if values.contains(&value) {
        return Ok(value);
    }
    Err(Error::new(
        400,
        "ValidationError",
        format!(
            "1 validation error detected: Value '{value}' at '{field}' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
            values.join(", ")
        ),
    ))
}

pub(crate) fn no_such(message: String) -> Error {
    Error::coded("NoSuchEntity", message)
}

/// How IAM lists are cut into pages.
#[derive(Clone, Copy)]
pub(crate) struct Paging {
    /// Largest page the server sends, whatever `MaxItems` asks.
    pub size: usize,
    /// Say `IsTruncated=true` and leave `Marker` out (a fault).
    pub drop_marker: bool,
}

/// Writes one page of a list: `<{list}>` members, `IsTruncated`, `Marker`.
pub(crate) fn list<T>(
    x: &mut Xml,
    params: &Params,
    paging: Paging,
    list: &str,
    items: &[T],
    mut member: impl FnMut(&mut Xml, &T),
) -> Result<(), Error> {
    let max = match params.int("MaxItems") {
        Ok(None) => 100,
        Ok(Some(n)) if (1..=1000).contains(&n) => n as usize,
        _ => return Err(Error::new(400, "ValidationError", "1 validation error detected: Value at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000")),
    };
    let (chunk, next) = page(items, params.str("Marker"), max.min(paging.size))
        .ok_or_else(|| Error::new(400, "ValidationError", "Invalid Marker"))?;
    x.start(list);
    for item in chunk {
        x.start("member");
        member(x, item);
        x.end("member");
    }
    if paging.drop_marker {
        x.end(list).bool("IsTruncated", true);
        return Ok(());
    }
    x.end(list).bool("IsTruncated", next.is_some());
    if let Some(marker) = next {
        x.text("Marker", &marker);
    }
    Ok(())
}

/// A signing certificate's `CertificateBody`: the scenario's, else one made from its id.
pub(crate) fn certificate_body(c: &Certificate) -> String {
    c.body.clone().unwrap_or_else(|| {
        format!(
            "-----BEGIN CERTIFICATE-----\nMIIBsimulated{}\n-----END CERTIFICATE-----\n",
            c.id
        )
    })
}

pub(crate) fn status(active: bool) -> &'static str {
    if active {
        "Active"
    } else {
        "Inactive"
    }
}

/// A policy document as IAM sends it: percent-encoded JSON (RFC 3986; everything but
/// unreserved characters is escaped, so a space is `%20`, never `+`).
pub(crate) fn encode_document(json: &str) -> String {
    let mut out = String::with_capacity(json.len() * 2);
    for b in json.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `DeleteVirtualMFADevice` on an account's unassigned virtual devices: `DeleteConflict` while
/// the device is still assigned (`in_use`), `NoSuchEntity` when there is no such device.
pub(crate) fn delete_unassigned_virtual_mfa(
    unassigned: &mut Vec<String>,
    in_use: bool,
    serial: &str,
) -> Result<(), Error> {
    if in_use {
        return Err(Error::coded(
            "DeleteConflict",
            "MFA device is still in use.",
        ));
    }
    let pos = unassigned.iter().position(|s| s == serial).ok_or_else(|| {
        no_such(format!(
            "VirtualMFADevice with serial number {serial} doesn't exist."
        ))
    })?;
    unassigned.remove(pos);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_documents_are_percent_encoded_like_iam_sends_them() {
        assert_eq!(
            encode_document(r#"{"Version": "2012-10-17"}"#),
            "%7B%22Version%22%3A%20%222012-10-17%22%7D"
        );
    }
}
