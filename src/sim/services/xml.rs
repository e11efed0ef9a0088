//! The XML an awsQuery operation (STS, IAM) answers with, written with quick-xml's writer: the
//! content of its `<{Op}Result>`.

use crate::sim::world::model::iso8601;
use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;
use time::OffsetDateTime;

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

    /// Appends bytes already written as XML (a result fragment).
    pub(crate) fn raw(&mut self, bytes: &[u8]) {
        self.w.get_mut().extend_from_slice(bytes);
    }

    /// Opens `<name xmlns="namespace">`.
    pub(crate) fn start_ns(&mut self, name: &str, namespace: &str) {
        let mut start = BytesStart::new(name);
        start.push_attribute(("xmlns", namespace));
        self.emit(Event::Start(start));
    }

    /// The written bytes.
    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.w.into_inner()
    }
}
