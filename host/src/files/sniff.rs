//! What a file is, by its content: the magic bytes at its start, and the
//! marks of a second format hidden in it (a polyglot).
//!
//! A [`Sniffer`] reads an upload as it streams by and keeps only its head
//! and a window at its end, so it costs the same for 1 KiB and for 10 MiB.
//! Browsers and viewers decide a file's type in their own ways: a PDF reader
//! finds `%PDF-` anywhere in the first KiB, a ZIP reader finds its directory
//! from the end, and a browser that is allowed to sniff looks for markup in
//! the first bytes. A file that another reader would take for something
//! else is refused, whatever its first bytes say.

/// The types the host recognises, by their signature at offset 0.
const SIGNATURES: &[(&str, &[u8])] = &[
    ("image/jpeg", b"\xFF\xD8\xFF"),
    ("image/png", b"\x89PNG\r\n\x1A\n"),
    ("image/gif", b"GIF87a"),
    ("image/gif", b"GIF89a"),
    ("application/pdf", b"%PDF-"),
];

/// Every media type the host recognises by content.
pub const KNOWN_MEDIA_TYPES: &[&str] = &["image/jpeg", "image/png", "image/gif", "application/pdf"];

/// How much of the start is kept: where PDF readers look for their header.
const HEAD: usize = 1024;
/// How much of the end is kept: a ZIP's end-of-directory record with the
/// longest comment it may carry.
const TAIL: usize = 22 + 65_535;

/// Markup a browser might render, looked for (case-insensitively) in the head.
const MARKUP: &[&[u8]] = &[b"<html", b"<!doctype", b"<script", b"<svg", b"<?xml", b"<iframe", b"<body", b"<head"];

/// The result of reading a whole file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sniffed {
    /// The type its first bytes say, if the host knows it.
    pub media_type: Option<&'static str>,
    /// Another format hidden in it, if any: `"zip"`, `"pdf"`, `"html"`,
    /// `"webp/riff"`.
    pub hidden: Option<&'static str>,
}

/// Reads a stream of bytes and says what it is.
#[derive(Debug, Default)]
pub struct Sniffer {
    head: Vec<u8>,
    tail: Vec<u8>,
    len: u64,
}

impl Sniffer {
    pub fn new() -> Sniffer {
        Sniffer::default()
    }

    /// Takes the next chunk of the stream.
    pub fn feed(&mut self, chunk: &[u8]) {
        self.len += chunk.len() as u64;
        if self.head.len() < HEAD {
            let take = (HEAD - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        if chunk.len() >= TAIL {
            self.tail.clear();
            self.tail.extend_from_slice(&chunk[chunk.len() - TAIL..]);
        } else {
            self.tail.extend_from_slice(chunk);
            if self.tail.len() > TAIL {
                let excess = self.tail.len() - TAIL;
                self.tail.drain(..excess);
            }
        }
    }

    /// How many bytes it has read.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether it has read nothing.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// What the whole stream was.
    pub fn finish(&self) -> Sniffed {
        let media_type = SIGNATURES.iter().find(|(_, magic)| self.head.starts_with(magic)).map(|(media, _)| *media);
        Sniffed { media_type, hidden: self.hidden(media_type) }
    }

    fn hidden(&self, media_type: Option<&str>) -> Option<&'static str> {
        // A ZIP (and so a JAR, an Office file) is read from its end.
        if contains(&self.tail, b"PK\x05\x06") || self.head.starts_with(b"PK\x03\x04") {
            return Some("zip");
        }
        // PDF readers accept the header anywhere in the first KiB.
        if media_type != Some("application/pdf") && contains(&self.head, b"%PDF-") {
            return Some("pdf");
        }
        let lower = self.head.to_ascii_lowercase();
        if MARKUP.iter().any(|mark| contains(&lower, mark)) {
            return Some("html");
        }
        if self.head.starts_with(b"RIFF") {
            return Some("webp/riff");
        }
        None
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

/// The type a file name's extension claims, for the types the host knows.
pub fn type_of_name(name: &str) -> Option<&'static str> {
    let extension = name.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match extension.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "pdf" => "application/pdf",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sniff(parts: &[&[u8]]) -> Sniffed {
        let mut sniffer = Sniffer::new();
        for part in parts {
            sniffer.feed(part);
        }
        sniffer.finish()
    }

    fn png() -> Vec<u8> {
        let mut bytes = b"\x89PNG\r\n\x1A\n\0\0\0\rIHDR".to_vec();
        bytes.extend(std::iter::repeat_n(0x42, 300_000));
        bytes
    }

    #[test]
    fn the_first_bytes_name_the_type() {
        assert_eq!(sniff(&[&png()]), Sniffed { media_type: Some("image/png"), hidden: None });
        assert_eq!(sniff(&[b"\xFF\xD8\xFF\xE0 rest of a jpeg"]).media_type, Some("image/jpeg"));
        assert_eq!(sniff(&[b"%PDF-1.7\n..."]).media_type, Some("application/pdf"));
        assert_eq!(sniff(&[b"GIF89a..."]).media_type, Some("image/gif"));
        assert_eq!(sniff(&[b"just text"]).media_type, None);
        assert_eq!(sniff(&[]).media_type, None);
    }

    #[test]
    fn a_signature_split_across_chunks_is_found() {
        assert_eq!(sniff(&[b"\x89P", b"NG\r", b"\n\x1A\n", b"data"]).media_type, Some("image/png"));
    }

    #[test]
    fn a_zip_at_the_end_of_an_image_is_a_polyglot() {
        let mut bytes = png();
        bytes.extend_from_slice(b"PK\x03\x04 a jar entry ... PK\x05\x06\0\0\0\0");
        let chunks: Vec<&[u8]> = bytes.chunks(4096).collect();
        assert_eq!(sniff(&chunks).hidden, Some("zip"));
    }

    #[test]
    fn markup_or_a_pdf_header_in_an_image_is_a_polyglot() {
        // A JPEG header followed by a page a sniffing browser would run.
        let markup = include_bytes!("testdata/jpeg-with-markup.jpg");
        assert_eq!(sniff(&[markup]), Sniffed { media_type: Some("image/jpeg"), hidden: Some("html") });
        let mut pdf = b"GIF89a\x01\0\x01\0".to_vec();
        pdf.extend_from_slice(b"%PDF-1.4 obj");
        assert_eq!(sniff(&[&pdf]).hidden, Some("pdf"));
    }

    #[test]
    fn markup_deep_inside_a_large_file_is_not_a_mark() {
        let mut bytes = png();
        bytes.extend_from_slice(&include_bytes!("testdata/jpeg-with-markup.jpg")[11..]);
        assert_eq!(sniff(&[&bytes]).hidden, None);
    }

    #[test]
    fn the_tail_window_holds_only_the_end() {
        let mut sniffer = Sniffer::new();
        for _ in 0..200 {
            sniffer.feed(&[7u8; 4096]);
        }
        assert_eq!(sniffer.len(), 200 * 4096);
        assert!(sniffer.tail.len() <= TAIL && sniffer.head.len() == HEAD);
    }

    #[test]
    fn names_claim_types_by_extension() {
        assert_eq!(type_of_name("Leak.JPG"), Some("image/jpeg"));
        assert_eq!(type_of_name("plan.pdf"), Some("application/pdf"));
        assert_eq!(type_of_name("noextension"), None);
        assert_eq!(type_of_name("page.html"), None);
    }
}
