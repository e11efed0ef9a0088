//! awsQuery (STS, IAM) XML responses, written with quick-xml's writer.

use crate::sim::services::error::ApiError;
use crate::sim::world::model::iso8601;
use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;
use time::OffsetDateTime;

/// XML namespace of STS responses.
pub(crate) const STS_NS: &str = "https://sts.amazonaws.com/doc/2011-06-15/";
/// XML namespace of IAM responses.
pub(crate) const IAM_NS: &str = "https://iam.amazonaws.com/doc/2010-05-08/";

/// An XML fragment under construction (the content of `<{Op}Result>`).
pub(crate) struct Xml {
    w: Writer<Vec<u8>>,
}

impl Xml {
    /// An empty fragment.
    pub(crate) fn new() -> Xml {
        Xml {
            w: Writer::new(Vec::with_capacity(512)),
        }
    }

    fn emit(&mut self, event: Event<'_>) {
        // Writing into a Vec<u8> cannot fail; the Result only exists for io::Write sinks.
        let _ = self.w.write_event(event);
    }

    /// Opens `<name>`.
    pub(crate) fn start(&mut self, name: &str) -> &mut Self {
        self.emit(Event::Start(BytesStart::new(name)));
        self
    }

    /// Closes `</name>`.
    pub(crate) fn end(&mut self, name: &str) -> &mut Self {
        self.emit(Event::End(BytesEnd::new(name)));
        self
    }

    /// Writes `<name>value</name>` with the value escaped.
    pub(crate) fn text(&mut self, name: &str, value: &str) -> &mut Self {
        self.start(name);
        self.emit(Event::Text(BytesText::new(value)));
        self.end(name)
    }

    /// Writes escaped text with no element around it (a list member that is a bare string).
    pub(crate) fn plain(&mut self, value: &str) -> &mut Self {
        self.emit(Event::Text(BytesText::new(value)));
        self
    }

    /// Writes a timestamp element in ISO-8601 UTC.
    pub(crate) fn date(&mut self, name: &str, value: OffsetDateTime) -> &mut Self {
        self.text(name, &iso8601(value))
    }

    /// Writes a boolean element.
    pub(crate) fn bool(&mut self, name: &str, value: bool) -> &mut Self {
        self.text(name, if value { "true" } else { "false" })
    }

    /// Whether nothing has been written.
    pub(crate) fn is_empty(&self) -> bool {
        self.w.get_ref().is_empty()
    }

    fn raw(&mut self, bytes: &[u8]) {
        self.w.get_mut().extend_from_slice(bytes);
    }

    fn start_ns(&mut self, name: &str, namespace: &str) {
        let mut start = BytesStart::new(name);
        start.push_attribute(("xmlns", namespace));
        self.emit(Event::Start(start));
    }

    /// The written bytes.
    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.w.into_inner()
    }
}

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
pub(crate) fn error(namespace: &str, err: &ApiError, request_id: &str) -> Vec<u8> {
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
        let err = ApiError::coded("ServiceFailure", "boom");
        let doc = String::from_utf8(error(STS_NS, &err, "r")).expect("utf8");
        assert!(
            doc.contains("<Type>Receiver</Type><Code>ServiceFailure</Code><Message>boom</Message>"),
            "{doc}"
        );
        assert_eq!(err.status, 500);
    }
}
