//! awsQuery (STS, IAM) XML response documents around an operation's result (see
//! [`crate::sim::services::xml`]).

use crate::sim::services::error::Error;
use crate::sim::services::xml::Xml;

/// XML namespace of STS responses.
pub(crate) const STS_NS: &str = "https://sts.amazonaws.com/doc/2011-06-15/";
/// XML namespace of IAM responses.
pub(crate) const IAM_NS: &str = "https://iam.amazonaws.com/doc/2010-05-08/";

/// A success document: `<{op}Response>` with the result (omitted when empty) and metadata.
pub(crate) fn success(op: &str, namespace: &str, result: Xml, request_id: &str) -> Vec<u8> {
    let response = format!("{op}Response");
    let mut x = Xml::new();
    x.start_ns(&response, namespace);
    if !result.is_empty() {
        let name = format!("{op}Result");
        x.start(&name);
        x.raw(&result.into_bytes());
        x.end(&name);
    }
    x.start("ResponseMetadata")
        .text("RequestId", request_id)
        .end("ResponseMetadata");
    x.end(&response);
    x.into_bytes()
}

/// An error document: `<ErrorResponse><Error>..</Error><RequestId>..</RequestId></ErrorResponse>`.
pub(crate) fn error(namespace: &str, err: &Error, request_id: &str) -> Vec<u8> {
    let mut x = Xml::new();
    x.start_ns("ErrorResponse", namespace);
    x.start("Error")
        .text("Type", err.fault_type())
        .text("Code", &err.code)
        .text("Message", &err.message)
        .end("Error");
    x.text("RequestId", request_id);
    x.end("ErrorResponse");
    x.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn success_wraps_the_result_and_escapes_text() {
        let mut r = Xml::new();
        r.text("Arn", "a<b&c")
            .date("When", datetime!(2024-11-14 10:00:00 UTC));
        let doc = String::from_utf8(success("GetUser", IAM_NS, r, "rid")).expect("utf8");
        assert_eq!(
            doc,
            "<GetUserResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><GetUserResult>\
             <Arn>a&lt;b&amp;c</Arn><When>2024-11-14T10:00:00Z</When></GetUserResult>\
             <ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></GetUserResponse>"
        );
    }

    #[test]
    fn operations_without_output_have_no_result_element() {
        let doc = String::from_utf8(success("DeleteLoginProfile", IAM_NS, Xml::new(), "r"))
            .expect("utf8");
        assert!(!doc.contains("Result"), "{doc}");
        assert!(doc.starts_with("<DeleteLoginProfileResponse xmlns="));
    }

    #[test]
    fn server_errors_are_receiver_faults() {
        let err = Error::coded("ServiceFailure", "boom");
        let doc = String::from_utf8(error(STS_NS, &err, "r")).expect("utf8");
        assert!(
            doc.contains("<Type>Receiver</Type><Code>ServiceFailure</Code><Message>boom</Message>"),
            "{doc}"
        );
        assert_eq!(err.status, 500);
    }
}
