//! Caller identification from the SigV4 `Authorization` header (signatures are not verified).

/// Why no access key id could be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Error {
    /// No `Authorization` header.
    #[error("Request is missing Authentication Token")]
    Missing,
    /// A header that is not SigV4 or names no credential.
    #[error("Authorization header requires 'Credential' parameter.")]
    Malformed,
}

/// The access key id of `Authorization: AWS4-HMAC-SHA256 Credential=<AKID>/<scope>, ...`.
pub(crate) fn access_key_id(header: Option<&str>) -> Result<&str, Error> {
    let header = header.ok_or(Error::Missing)?.trim();
    let rest = header
        .strip_prefix("AWS4-HMAC-SHA256")
        .ok_or(Error::Malformed)?;
    let start = rest.find("Credential=").ok_or(Error::Malformed)? + "Credential=".len();
    let credential = &rest[start..];
    let end = credential.find('/').ok_or(Error::Malformed)?;
    let key = credential[..end].trim();
    if key.is_empty() {
        Err(Error::Malformed)
    } else {
        Ok(key)
    }
}

/// The region of the credential scope (`Credential=<AKID>/<date>/<region>/<service>/aws4_request`):
/// the region the request is signed for, which the simulator takes as the endpoint's region.
pub(crate) fn signing_region(header: Option<&str>) -> Option<&str> {
    let header = header?.trim().strip_prefix("AWS4-HMAC-SHA256")?;
    let start = header.find("Credential=")? + "Credential=".len();
    let scope = header[start..].split([',', ' ']).next()?;
    let region = scope.split('/').nth(2)?.trim();
    (!region.is_empty()).then_some(region)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signing_region_is_read_from_the_credential_scope() {
        let h =
            "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE000000001/20241114/eu-west-1/s3/aws4_request, \
                 SignedHeaders=host;x-amz-date, Signature=abc";
        assert_eq!(signing_region(Some(h)), Some("eu-west-1"));
        assert_eq!(
            signing_region(Some("AWS4-HMAC-SHA256 Credential=AKID/20241114")),
            None
        );
        assert_eq!(signing_region(Some("Basic dXNlcjpwYXNz")), None);
        assert_eq!(signing_region(None), None);
    }

    #[test]
    fn access_key_id_is_read_from_the_credential_scope() {
        let h = "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE000000001/20241114/us-east-1/sts/aws4_request, \
                 SignedHeaders=host;x-amz-date, Signature=abc";
        assert_eq!(access_key_id(Some(h)), Ok("AKIAEXAMPLE000000001"));
    }

    #[test]
    fn missing_and_foreign_headers_are_distinguished() {
        assert_eq!(access_key_id(None), Err(Error::Missing));
        assert_eq!(
            access_key_id(Some("Basic dXNlcjpwYXNz")),
            Err(Error::Malformed)
        );
        assert_eq!(
            access_key_id(Some("AWS4-HMAC-SHA256 Credential=/x")),
            Err(Error::Malformed)
        );
    }
}
