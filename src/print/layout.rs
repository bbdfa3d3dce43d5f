//! A small page-layout layer over printpdf's raw operations: A4 pages with margins, paragraphs of bold and regular
//! runs wrapped at spaces with the font's own metrics (no hyphenation), underlined fill-in values, blank lines to be
//! filled by hand with small captions under them, check boxes, filled rectangles (QR codes) and page breaks.
//!
//! Lengths are in points (1/72 inch) unless a name says `mm`. The cursor `y` runs down from the top of the page.
//! printpdf 0.12 maps each character to one glyph with no shaping or kerning, so the sum of the glyphs' advances
//! measured here is exactly where the viewer puts the text, and underlines drawn from it sit under their words.

use printpdf::{
    Color, FontId, Greyscale, Line, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Pt, Rect, TextItem,
};
use std::collections::HashMap;
use std::sync::OnceLock;

pub const PAGE_WIDTH_MM: f32 = 210.0;
pub const PAGE_HEIGHT_MM: f32 = 297.0;

/// Millimetres to points.
pub fn mm(v: f32) -> f32 {
    v * 72.0 / 25.4
}

#[derive(Debug, thiserror::Error)]
pub enum LayoutError {
    #[error("the bundled font {0} could not be parsed")]
    Font(&'static str),
}

/// One parsed face with the advances of the characters the forms use looked up once.
pub struct Face {
    parsed: ParsedFont,
    units_per_em: f32,
    /// Advance in em of the characters looked up at load time.
    advances: HashMap<char, f32>,
}

impl Face {
    fn load(bytes: &[u8], name: &'static str) -> Result<Self, LayoutError> {
        let mut warnings = Vec::new();
        let parsed = ParsedFont::from_bytes(bytes, 0, &mut warnings).ok_or(LayoutError::Font(name))?;
        let units_per_em = f32::from(parsed.font_metrics.units_per_em.max(1));
        let mut face = Face { parsed, units_per_em, advances: HashMap::new() };
        let ranges = [(0x20, 0x7e), (0xa0, 0xff), (0x400, 0x45f), (0x2010, 0x2026), (0x2116, 0x2116)];
        for (from, to) in ranges {
            for c in (from..=to).filter_map(char::from_u32) {
                let advance = face.lookup_advance(c);
                face.advances.insert(c, advance);
            }
        }
        Ok(face)
    }

    fn lookup_advance(&self, c: char) -> f32 {
        // A character the font lacks prints as glyph 0 (.notdef), whose advance is what the viewer uses.
        let glyph = self.parsed.lookup_glyph_index(c as u32).unwrap_or(0);
        f32::from(self.parsed.get_horizontal_advance(glyph)) / self.units_per_em
    }

    /// Advance of one character in em.
    pub fn advance(&self, c: char) -> f32 {
        self.advances.get(&c).copied().unwrap_or_else(|| self.lookup_advance(c))
    }

    /// Width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.advance(c)).sum::<f32>() * size
    }

    /// Whether the font has a glyph for `c` (the forms avoid characters it lacks).
    pub fn has_glyph(&self, c: char) -> bool {
        self.parsed.lookup_glyph_index(c as u32).is_some_and(|g| g != 0)
    }
}

/// The bundled Noto Sans, regular and bold, parsed once (parsing costs milliseconds; reuse one `Fonts`).
pub struct Fonts {
    pub regular: Face,
    pub bold: Face,
}

impl Fonts {
    pub fn load() -> Result<Self, LayoutError> {
        Ok(Fonts {
            regular: Face::load(crate::theme::FONT_REGULAR, "NotoSans-Regular.ttf")?,
            bold: Face::load(crate::theme::FONT_BOLD, "NotoSans-Bold.ttf")?,
        })
    }

    /// One process-wide copy, parsed on first use.
    pub fn shared() -> Result<&'static Fonts, LayoutError> {
        static FONTS: OnceLock<Result<Fonts, String>> = OnceLock::new();
        match FONTS.get_or_init(|| Fonts::load().map_err(|e| e.to_string())) {
            Ok(fonts) => Ok(fonts),
            Err(_) => Err(LayoutError::Font("NotoSans")),
        }
    }

    pub fn face(&self, bold: bool) -> &Face {
        if bold { &self.bold } else { &self.regular }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum SpanKind {
    Text(String),
    /// An empty stretch of the given width (to be filled in by hand when underlined).
    Blank(f32),
    /// Takes all the room left on its line (pushes what follows to the right margin).
    Fill,
    /// A small empty square to tick by hand.
    CheckBox,
}

/// A run of a paragraph.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub kind: SpanKind,
    pub bold: bool,
    pub underline: bool,
    /// A small caption printed centred under the run, e.g. «(подпись)».
    pub caption: Option<String>,
}

/// Width of a fill-in line left empty, when no other width is given.
pub const BLANK_FIELD_MM: f32 = 60.0;

impl Span {
    pub fn text(text: impl Into<String>) -> Self {
        Span { kind: SpanKind::Text(text.into()), bold: false, underline: false, caption: None }
    }

    pub fn bold(text: impl Into<String>) -> Self {
        Span { bold: true, ..Span::text(text) }
    }

    /// A filled-in value, underlined; an empty value becomes a blank line to fill by hand.
    pub fn field(value: impl Into<String>) -> Self {
        let value = value.into();
        if value.trim().is_empty() {
            return Span::blank(BLANK_FIELD_MM);
        }
        Span { underline: true, ..Span::text(value) }
    }

    /// An underlined empty stretch `width_mm` wide.
    pub fn blank(width_mm: f32) -> Self {
        Span { kind: SpanKind::Blank(mm(width_mm)), bold: false, underline: true, caption: None }
    }

    pub fn fill() -> Self {
        Span { kind: SpanKind::Fill, bold: false, underline: false, caption: None }
    }

    pub fn check_box() -> Self {
        Span { kind: SpanKind::CheckBox, bold: false, underline: false, caption: None }
    }

    pub fn caption(mut self, caption: impl Into<String>) -> Self {
        self.caption = Some(caption.into());
        self
    }

    pub fn underlined(mut self) -> Self {
        self.underline = true;
        self
    }

    pub fn bolded(mut self) -> Self {
        self.bold = true;
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
    /// Both edges straight; the last line of the paragraph is left-aligned.
    Justify,
}

/// A paragraph: runs wrapped into lines of the text column (less the indents).
#[derive(Debug, Clone, PartialEq)]
pub struct Para {
    pub spans: Vec<Span>,
    pub size: f32,
    /// Line pitch as a multiple of `size`.
    pub leading: f32,
    pub align: Align,
    /// Extra indent of the first line (negative: a hanging first line, for lists).
    pub first_indent: f32,
    pub indent_left: f32,
    pub indent_right: f32,
    pub space_before: f32,
    pub space_after: f32,
    /// On the last line, an underlined last run extends its line to the right edge (a form's fill-in line).
    pub fill_underline: bool,
    /// Start on a new page unless this paragraph and a few lines of the next fit (headings).
    pub keep_with_next: bool,
}

/// Body text size of the forms, in points.
pub const BODY_SIZE: f32 = 11.0;
/// Size of the captions under fill-in lines.
pub const CAPTION_SIZE: f32 = 7.0;

impl Para {
    pub fn new(spans: Vec<Span>) -> Self {
        Para {
            spans,
            size: BODY_SIZE,
            leading: 1.32,
            align: Align::Left,
            first_indent: 0.0,
            indent_left: 0.0,
            indent_right: 0.0,
            space_before: 0.0,
            space_after: 3.0,
            fill_underline: false,
            keep_with_next: false,
        }
    }

    pub fn size(mut self, size: f32) -> Self {
        self.size = size;
        self
    }
    pub fn leading(mut self, leading: f32) -> Self {
        self.leading = leading;
        self
    }
    pub fn align(mut self, align: Align) -> Self {
        self.align = align;
        self
    }
    pub fn first_indent_mm(mut self, v: f32) -> Self {
        self.first_indent = mm(v);
        self
    }
    pub fn indent_mm(mut self, left: f32) -> Self {
        self.indent_left = mm(left);
        self
    }
    pub fn indent_right_mm(mut self, right: f32) -> Self {
        self.indent_right = mm(right);
        self
    }
    /// Hanging indent: the first line starts `mm` to the left of the others (numbered and ticked lists).
    pub fn hanging_mm(mut self, v: f32) -> Self {
        self.indent_left += mm(v);
        self.first_indent = -mm(v);
        self
    }
    pub fn before(mut self, pt: f32) -> Self {
        self.space_before = pt;
        self
    }
    pub fn after(mut self, pt: f32) -> Self {
        self.space_after = pt;
        self
    }
    pub fn fill_underline(mut self) -> Self {
        self.fill_underline = true;
        self
    }
    pub fn keep_with_next(mut self) -> Self {
        self.keep_with_next = true;
        self
    }
}

/// Margins of the page in millimetres (the usual ones of Russian official papers: a wide left margin for binding).
#[derive(Debug, Clone, Copy)]
pub struct Margins {
    pub top: f32,
    pub right: f32,
    pub bottom: f32,
    pub left: f32,
}

pub const MARGINS: Margins = Margins { top: 20.0, right: 15.0, bottom: 20.0, left: 25.0 };

#[derive(Debug, Clone, Copy, PartialEq)]
enum PieceKind {
    Text,
    Space,
    Blank,
    Fill,
    CheckBox,
}

/// The smallest unit laid out: a word (or part of one), a space, a blank, a fill or a check box.
#[derive(Debug, Clone)]
struct Piece<'a> {
    kind: PieceKind,
    text: &'a str,
    width: f32,
    bold: bool,
    underline: bool,
    caption: Option<&'a str>,
}

/// What line breaking sees: unbreakable boxes (a word, possibly of several runs), the spaces between them, fills.
#[derive(Debug, Clone)]
enum Item<'a> {
    Word(Vec<Piece<'a>>),
    Space(Piece<'a>),
    Fill,
}

fn word_width(pieces: &[Piece]) -> f32 {
    pieces.iter().map(|p| p.width).sum()
}

/// A laid-out line: pieces with their x offsets from the column's left edge.
struct LaidLine<'a> {
    pieces: Vec<(f32, Piece<'a>)>,
    has_caption: bool,
}

/// A document being laid out, one page after another.
pub struct Doc<'f> {
    fonts: &'f Fonts,
    pdf: PdfDocument,
    regular_id: FontId,
    bold_id: FontId,
    pages: Vec<Vec<Op>>,
    /// Top of the next line, from the top of the page.
    y: f32,
    footer: Option<String>,
}

const LINE_THICKNESS: f32 = 0.6;
/// The most a justified line widens each space, in em.
const MAX_JUSTIFY_EXTRA: f32 = 0.6;

impl<'f> Doc<'f> {
    pub fn new(fonts: &'f Fonts, title: &str) -> Self {
        let mut pdf = PdfDocument::new(title);
        pdf.metadata.info.creator = "pdo-kiosk".into();
        pdf.metadata.info.producer = "pdo-kiosk (printpdf)".into();
        let regular_id = pdf.add_font(&fonts.regular.parsed);
        let bold_id = pdf.add_font(&fonts.bold.parsed);
        let mut doc = Doc { fonts, pdf, regular_id, bold_id, pages: Vec::new(), y: 0.0, footer: None };
        doc.new_page();
        doc
    }

    /// The document's creation date in its metadata (seconds since 1970, UTC).
    pub fn set_created(&mut self, unix_seconds: i64) {
        if let Ok(date) = printpdf::OffsetDateTime::from_unix_timestamp(unix_seconds) {
            let info = &mut self.pdf.metadata.info;
            info.creation_date = date;
            info.modification_date = date;
            info.metadata_date = date;
        }
    }

    /// Small text at the foot of every page (with the page number when there is more than one page).
    pub fn set_footer(&mut self, text: impl Into<String>) {
        self.footer = Some(text.into());
    }

    pub fn fonts(&self) -> &'f Fonts {
        self.fonts
    }

    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    fn page_height() -> f32 {
        mm(PAGE_HEIGHT_MM)
    }

    /// Left edge of the text column.
    pub fn left() -> f32 {
        mm(MARGINS.left)
    }

    /// Width of the text column.
    pub fn column_width() -> f32 {
        mm(PAGE_WIDTH_MM - MARGINS.left - MARGINS.right)
    }

    fn bottom_limit() -> f32 {
        mm(PAGE_HEIGHT_MM - MARGINS.bottom)
    }

    /// Current cursor, from the top of the page.
    pub fn y(&self) -> f32 {
        self.y
    }

    /// Moves the cursor down to `y` if it is above it.
    pub fn advance_to(&mut self, y: f32) {
        self.y = self.y.max(y);
    }

    pub fn new_page(&mut self) {
        self.pages.push(vec![
            Op::SetOutlineThickness { pt: Pt(LINE_THICKNESS) },
            Op::SetOutlineColor { col: black() },
            Op::SetFillColor { col: black() },
        ]);
        self.y = mm(MARGINS.top);
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("a document always has a page")
    }

    /// Room left on this page, in points.
    pub fn remaining(&self) -> f32 {
        Self::bottom_limit() - self.y
    }

    /// Starts a new page unless `height` points still fit on this one.
    pub fn need(&mut self, height: f32) {
        if height > self.remaining() && self.y > mm(MARGINS.top) + 0.5 {
            self.new_page();
        }
    }

    pub fn space(&mut self, pt: f32) {
        self.y += pt;
    }

    /// A thin line across the column.
    pub fn rule(&mut self) {
        let y = self.y;
        self.hline(Self::left(), Self::left() + Self::column_width(), y);
        self.y += 4.0;
    }

    fn hline(&mut self, x1: f32, x2: f32, y_from_top: f32) {
        let y = Self::page_height() - y_from_top;
        let line = Line {
            points: vec![
                LinePoint { p: Point { x: Pt(x1), y: Pt(y) }, bezier: false },
                LinePoint { p: Point { x: Pt(x2), y: Pt(y) }, bezier: false },
            ],
            is_closed: false,
        };
        self.ops().push(Op::DrawLine { line });
    }

    /// A filled rectangle; `x`, `y_top` from the page's top-left corner.
    pub fn fill_rect(&mut self, x: f32, y_top: f32, width: f32, height: f32) {
        self.rect(x, y_top, width, height, PaintMode::Fill);
    }

    fn rect(&mut self, x: f32, y_top: f32, width: f32, height: f32, mode: PaintMode) {
        let rectangle = Rect {
            x: Pt(x),
            y: Pt(Self::page_height() - y_top - height),
            width: Pt(width),
            height: Pt(height),
            mode: Some(mode),
            winding_order: None,
        };
        self.ops().push(Op::DrawRectangle { rectangle });
    }

    /// A QR code `size` points wide with its top-left corner at `x`, `y_top` (a quiet zone of 2 modules inside the
    /// size). Dark modules of a row are merged into one rectangle each.
    pub fn qr(&mut self, code: &qrcode::QrCode, x: f32, y_top: f32, size: f32) {
        let n = code.width();
        let quiet = 2;
        let module = size / (n + 2 * quiet) as f32;
        let colors = code.to_colors();
        for row in 0..n {
            let mut col = 0;
            while col < n {
                if colors[row * n + col] == qrcode::Color::Dark {
                    let start = col;
                    while col < n && colors[row * n + col] == qrcode::Color::Dark {
                        col += 1;
                    }
                    // A hair of overlap so viewers show no seams between rows.
                    self.fill_rect(
                        x + (start + quiet) as f32 * module,
                        y_top + (row + quiet) as f32 * module,
                        (col - start) as f32 * module,
                        module + 0.05,
                    );
                } else {
                    col += 1;
                }
            }
        }
    }

    fn pieces<'a>(&self, para: &'a Para) -> Vec<Item<'a>> {
        let mut items = Vec::new();
        let mut word: Vec<Piece<'a>> = Vec::new();
        let size = para.size;
        for span in &para.spans {
            let face = self.fonts.face(span.bold);
            let caption = span.caption.as_deref();
            let piece =
                |kind, text, width| Piece { kind, text, width, bold: span.bold, underline: span.underline, caption };
            match &span.kind {
                SpanKind::Text(text) => {
                    let mut rest = text.as_str();
                    while !rest.is_empty() {
                        match rest.find(' ') {
                            Some(0) => {
                                if !word.is_empty() {
                                    items.push(Item::Word(std::mem::take(&mut word)));
                                }
                                items.push(Item::Space(piece(PieceKind::Space, " ", face.width(" ", size))));
                                rest = &rest[1..];
                            }
                            Some(i) => {
                                let part = &rest[..i];
                                word.push(piece(PieceKind::Text, part, face.width(part, size)));
                                rest = &rest[i..];
                            }
                            None => {
                                word.push(piece(PieceKind::Text, rest, face.width(rest, size)));
                                rest = "";
                            }
                        }
                    }
                }
                SpanKind::Blank(width) => word.push(piece(PieceKind::Blank, "", *width)),
                SpanKind::CheckBox => word.push(piece(PieceKind::CheckBox, "", size * 0.75)),
                SpanKind::Fill => {
                    if !word.is_empty() {
                        items.push(Item::Word(std::mem::take(&mut word)));
                    }
                    items.push(Item::Fill);
                }
            }
        }
        if !word.is_empty() {
            items.push(Item::Word(word));
        }
        items
    }

    /// Splits a word wider than `width` into parts that fit, at character boundaries (only for words longer than a
    /// whole line, such as a long e-mail address; ordinary words are never split).
    fn split_word<'a>(&self, word: Vec<Piece<'a>>, width: f32, size: f32) -> Vec<Vec<Piece<'a>>> {
        let mut parts = Vec::new();
        let mut current: Vec<Piece<'a>> = Vec::new();
        let mut used = 0.0;
        for piece in word {
            if piece.kind != PieceKind::Text {
                if used + piece.width > width && !current.is_empty() {
                    parts.push(std::mem::take(&mut current));
                    used = 0.0;
                }
                used += piece.width;
                current.push(piece);
                continue;
            }
            let face = self.fonts.face(piece.bold);
            let mut start = 0;
            let mut run = 0.0;
            for (i, c) in piece.text.char_indices() {
                let w = face.advance(c) * size;
                if used + run + w > width && (i > start || !current.is_empty()) {
                    if i > start {
                        current.push(Piece { text: &piece.text[start..i], width: run, ..piece.clone() });
                    }
                    parts.push(std::mem::take(&mut current));
                    used = 0.0;
                    run = 0.0;
                    start = i;
                }
                run += w;
            }
            if start < piece.text.len() {
                current.push(Piece { text: &piece.text[start..], width: run, ..piece.clone() });
                used += run;
            }
        }
        if !current.is_empty() {
            parts.push(current);
        }
        parts
    }

    fn break_lines<'a>(&self, para: &'a Para) -> Vec<(Vec<Item<'a>>, f32)> {
        let full = Self::column_width() - para.indent_left - para.indent_right;
        let first = full - para.first_indent;
        let mut lines: Vec<(Vec<Item<'a>>, f32)> = Vec::new();
        let mut line: Vec<Item<'a>> = Vec::new();
        let mut used = 0.0;
        let mut pending: Vec<Item<'a>> = Vec::new();
        let mut pending_width = 0.0;
        let avail = |lines: &Vec<(Vec<Item<'a>>, f32)>| if lines.is_empty() { first } else { full };
        let finish = |lines: &mut Vec<(Vec<Item<'a>>, f32)>, line: &mut Vec<Item<'a>>| {
            let width = if lines.is_empty() { first } else { full };
            lines.push((std::mem::take(line), width));
        };
        for item in self.pieces(para) {
            match item {
                Item::Space(piece) => {
                    pending_width += piece.width;
                    pending.push(Item::Space(piece));
                }
                Item::Fill => pending.push(Item::Fill),
                Item::Word(word) => {
                    let width = word_width(&word);
                    if !line.is_empty() && used + pending_width + width > avail(&lines) {
                        finish(&mut lines, &mut line);
                        used = 0.0;
                        pending.clear();
                        pending_width = 0.0;
                    }
                    if line.is_empty() {
                        pending.clear();
                        pending_width = 0.0;
                    }
                    if line.is_empty() && width > avail(&lines) {
                        let parts = self.split_word(word, full.min(avail(&lines)), para.size);
                        let count = parts.len();
                        for (i, part) in parts.into_iter().enumerate() {
                            used = word_width(&part);
                            line.push(Item::Word(part));
                            if i + 1 < count {
                                finish(&mut lines, &mut line);
                            }
                        }
                        continue;
                    }
                    used += pending_width + width;
                    line.append(&mut pending);
                    pending_width = 0.0;
                    line.push(Item::Word(word));
                }
            }
        }
        if !line.is_empty() || lines.is_empty() {
            finish(&mut lines, &mut line);
        }
        lines
    }

    /// Lays a paragraph out at the cursor, breaking pages between lines as needed.
    pub fn para(&mut self, para: &Para) {
        let lines = self.break_lines(para);
        let line_height = para.size * para.leading;
        let caption_height = CAPTION_SIZE * 1.35;
        self.y += para.space_before;
        if para.keep_with_next {
            self.need(lines.len() as f32 * line_height + 4.0 * BODY_SIZE * 1.32);
        }
        let count = lines.len();
        // No lone line at either side of a page break: a paragraph of up to three lines stays whole, a longer one
        // starts with at least two lines on the page and leaves at least two for the next.
        if count <= 3 {
            self.need(count as f32 * line_height);
        } else {
            self.need(2.0 * line_height);
        }
        for (index, (items, width)) in lines.into_iter().enumerate() {
            let last = index + 1 == count;
            let laid = self.place(para, items, width, last, index == 0);
            let height = line_height + if laid.has_caption { caption_height } else { 0.0 };
            if count > 3 && index > 0 && count - index == 2 {
                self.need(2.0 * line_height);
            }
            self.need(height);
            let x0 = Self::left() + para.indent_left + if index == 0 { para.first_indent } else { 0.0 };
            let right_edge = x0 + width;
            self.draw_line(para, &laid, x0, last, right_edge);
            self.y += height;
        }
        self.y += para.space_after;
    }

    /// How many lines a paragraph takes.
    pub fn line_count(&self, para: &Para) -> usize {
        self.break_lines(para).len()
    }

    /// Height a paragraph would take (without page breaks).
    pub fn measure(&self, para: &Para) -> f32 {
        let lines = self.break_lines(para);
        let line_height = para.size * para.leading;
        let captions = lines
            .iter()
            .filter(|(items, _)| {
                items.iter().any(|i| match i {
                    Item::Word(w) => w.iter().any(|p| p.caption.is_some()),
                    _ => false,
                })
            })
            .count();
        para.space_before + lines.len() as f32 * line_height + captions as f32 * CAPTION_SIZE * 1.35 + para.space_after
    }

    /// Positions the pieces of one line: alignment, justification and fills.
    fn place<'a>(&self, para: &Para, items: Vec<Item<'a>>, width: f32, last: bool, _first: bool) -> LaidLine<'a> {
        // Spaces at either end of a line are dropped.
        let mut items = items;
        while matches!(items.last(), Some(Item::Space(_))) {
            items.pop();
        }
        while matches!(items.first(), Some(Item::Space(_))) {
            items.remove(0);
        }
        let natural: f32 = items
            .iter()
            .map(|i| match i {
                Item::Word(w) => word_width(w),
                Item::Space(p) => p.width,
                Item::Fill => 0.0,
            })
            .sum();
        let slack = (width - natural).max(0.0);
        let fills = items.iter().filter(|i| matches!(i, Item::Fill)).count();
        let spaces = items.iter().filter(|i| matches!(i, Item::Space(_))).count();
        let (mut x, fill_width, space_extra) = if fills > 0 {
            (0.0, slack / fills as f32, 0.0)
        } else {
            match para.align {
                Align::Left => (0.0, 0.0, 0.0),
                Align::Center => (slack / 2.0, 0.0, 0.0),
                Align::Right => (slack, 0.0, 0.0),
                // A line that would need spaces widened by more than 0.6 em (a long word pushed to the next line)
                // stays ragged: wide gaps read worse than an uneven edge.
                Align::Justify if !last && spaces > 0 && slack / spaces as f32 <= MAX_JUSTIFY_EXTRA * para.size => {
                    (0.0, 0.0, slack / spaces as f32)
                }
                Align::Justify => (0.0, 0.0, 0.0),
            }
        };
        let mut pieces = Vec::new();
        let mut has_caption = false;
        for item in items {
            match item {
                Item::Word(word) => {
                    for piece in word {
                        has_caption |= piece.caption.is_some();
                        let w = piece.width;
                        pieces.push((x, piece));
                        x += w;
                    }
                }
                Item::Space(mut piece) => {
                    piece.width += space_extra;
                    let w = piece.width;
                    pieces.push((x, piece));
                    x += w;
                }
                Item::Fill => {
                    let piece = Piece {
                        kind: PieceKind::Fill,
                        text: "",
                        width: fill_width,
                        bold: false,
                        underline: false,
                        caption: None,
                    };
                    pieces.push((x, piece));
                    x += fill_width;
                }
            }
        }
        LaidLine { pieces, has_caption }
    }

    fn font_handle(&self, bold: bool) -> PdfFontHandle {
        PdfFontHandle::External(if bold { self.bold_id.clone() } else { self.regular_id.clone() })
    }

    fn draw_line(&mut self, para: &Para, line: &LaidLine, x0: f32, last: bool, right_edge: f32) {
        let size = para.size;
        let baseline = self.y + size;
        let pdf_baseline = Self::page_height() - baseline;
        // Text: one text object per line; each change of face sets the font, and every gap the viewer would not
        // make by itself (widened spaces, blanks, fills, boxes) is a TJ offset in thousandths of an em.
        let start = line.pieces.first().map_or(0.0, |(x, _)| *x);
        let mut ops =
            vec![Op::StartTextSection, Op::SetTextCursor { pos: Point { x: Pt(x0 + start), y: Pt(pdf_baseline) } }];
        let mut current_bold: Option<bool> = None;
        let mut items: Vec<TextItem> = Vec::new();
        let mut pending_gap = 0.0f32;
        let natural_space = |bold: bool| self.fonts.face(bold).width(" ", size);
        for (_, piece) in &line.pieces {
            match piece.kind {
                PieceKind::Text | PieceKind::Space => {
                    if current_bold != Some(piece.bold) {
                        if !items.is_empty() {
                            ops.push(Op::ShowText { items: std::mem::take(&mut items) });
                        }
                        ops.push(Op::SetFont { font: self.font_handle(piece.bold), size: Pt(size) });
                        current_bold = Some(piece.bold);
                    }
                    if pending_gap.abs() > 0.001 {
                        items.push(TextItem::Offset(-pending_gap * 1000.0 / size));
                        pending_gap = 0.0;
                    }
                    items.push(TextItem::Text(piece.text.to_string()));
                    if piece.kind == PieceKind::Space {
                        pending_gap += piece.width - natural_space(piece.bold);
                    }
                }
                PieceKind::Blank | PieceKind::Fill | PieceKind::CheckBox => pending_gap += piece.width,
            }
        }
        if !items.is_empty() {
            ops.push(Op::ShowText { items });
        }
        ops.push(Op::EndTextSection);
        let has_text = ops.iter().any(|op| matches!(op, Op::ShowText { .. }));
        if has_text {
            self.ops().extend(ops);
        }

        // Underlines, merged across the spaces inside a value.
        let underline_y = baseline + size * 0.2;
        let mut segments: Vec<(f32, f32)> = Vec::new();
        for (x, piece) in &line.pieces {
            if piece.underline && piece.width > 0.0 {
                let (start, end) = (x0 + x, x0 + x + piece.width);
                match segments.last_mut() {
                    Some(last) if (last.1 - start).abs() < 0.01 => last.1 = end,
                    _ => segments.push((start, end)),
                }
            }
        }
        if para.fill_underline
            && last
            && let Some(segment) = segments.last_mut()
            && let Some((x, piece)) = line.pieces.last()
            && piece.underline
            && (x0 + x + piece.width - segment.1).abs() < 0.01
        {
            segment.1 = segment.1.max(right_edge);
        }
        for (start, end) in segments {
            self.hline(start, end, underline_y);
        }

        // Check boxes: a square sitting on the baseline.
        for (x, piece) in &line.pieces {
            if piece.kind == PieceKind::CheckBox {
                let side = piece.width * 0.85;
                let top = baseline - side;
                self.rect(x0 + x, top, side, side, PaintMode::Stroke);
            }
        }

        // Captions, centred under their runs (a run split over lines gets its caption under each part).
        let caption_y = underline_y + CAPTION_SIZE * 1.05;
        let mut done: Vec<(f32, f32, &str)> = Vec::new();
        for (x, piece) in &line.pieces {
            if let Some(caption) = piece.caption {
                match done.last_mut() {
                    Some(prev) if prev.2 == caption && (prev.1 - (x0 + x)).abs() < 0.01 => {
                        prev.1 = x0 + x + piece.width
                    }
                    _ => done.push((x0 + x, x0 + x + piece.width, caption)),
                }
            }
        }
        // Centred under the run, but never past the column's edges nor over the previous caption.
        let mut previous_end = f32::MIN;
        let column_right = Self::left() + Self::column_width();
        for (start, end, caption) in done {
            let w = self.fonts.regular.width(caption, CAPTION_SIZE);
            let x = ((start + end) / 2.0 - w / 2.0).max(previous_end + 4.0).min(column_right - w).max(Self::left());
            previous_end = x + w;
            self.text_at(caption, x, caption_y, CAPTION_SIZE, false);
        }
    }

    /// One line of text with its baseline at `baseline` (from the top), not wrapped, not moving the cursor.
    pub fn text_at(&mut self, text: &str, x: f32, baseline: f32, size: f32, bold: bool) {
        let y = Self::page_height() - baseline;
        let font = self.font_handle(bold);
        self.ops().extend([
            Op::StartTextSection,
            Op::SetTextCursor { pos: Point { x: Pt(x), y: Pt(y) } },
            Op::SetFont { font, size: Pt(size) },
            Op::ShowText { items: vec![TextItem::Text(text.to_string())] },
            Op::EndTextSection,
        ]);
    }

    /// Finishes the document: footers (and page numbers when there is more than one page), then the PDF bytes.
    pub fn finish(mut self) -> Vec<u8> {
        let total = self.pages.len();
        let footer = self.footer.take();
        let mut pages = std::mem::take(&mut self.pages);
        for (i, ops) in pages.iter_mut().enumerate() {
            let mut text = footer.clone().unwrap_or_default();
            if total > 1 {
                if !text.is_empty() {
                    text.push_str(" · ");
                }
                text.push_str(&format!("страница {} из {}", i + 1, total));
            }
            if text.is_empty() {
                continue;
            }
            let size = 8.0;
            let width = self.fonts.regular.width(&text, size);
            let x = Self::left() + Self::column_width() - width;
            let baseline = mm(PAGE_HEIGHT_MM - MARGINS.bottom / 2.0);
            let y = Self::page_height() - baseline;
            ops.extend([
                Op::StartTextSection,
                Op::SetTextCursor { pos: Point { x: Pt(x.max(Self::left())), y: Pt(y) } },
                Op::SetFont { font: self.font_handle(false), size: Pt(size) },
                Op::ShowText { items: vec![TextItem::Text(text)] },
                Op::EndTextSection,
            ]);
        }
        let pages: Vec<PdfPage> =
            pages.into_iter().map(|ops| PdfPage::new(Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM), ops)).collect();
        self.pdf.with_pages(pages);
        let mut warnings = Vec::new();
        // printpdf's own save deflates every stream at zlib's best level: over half the time of a whole document
        // (~1.3 ms of ~2.6 ms here). The fastest level takes ~0.4 ms for files ~10 % larger (still ~28 KB).
        let mut doc = self.pdf.to_lopdf_document(&PdfSaveOptions::default(), &mut warnings);
        for object in doc.objects.values_mut() {
            if let lopdf::Object::Stream(stream) = object {
                deflate(stream);
            }
        }
        let mut out = Vec::with_capacity(64 * 1024);
        doc.save_to(&mut out).expect("writing a PDF into memory cannot fail");
        out
    }
}

fn deflate(stream: &mut lopdf::Stream) {
    use std::io::Write;
    if stream.dict.get(b"Filter").is_ok() || !stream.allows_compression {
        return;
    }
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    if encoder.write_all(&stream.content).is_err() {
        return;
    }
    if let Ok(compressed) = encoder.finish()
        && compressed.len() + 19 < stream.content.len()
    {
        stream.dict.set("Filter", "FlateDecode");
        stream.set_content(compressed);
    }
}

fn black() -> Color {
    Color::Greyscale(Greyscale { percent: 0.0, icc_profile: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn natural_width(items: &[Item]) -> f32 {
        let mut items: Vec<&Item> = items.iter().collect();
        while matches!(items.last(), Some(Item::Space(_))) {
            items.pop();
        }
        items
            .iter()
            .map(|i| match i {
                Item::Word(w) => word_width(w),
                Item::Space(p) => p.width,
                Item::Fill => 0.0,
            })
            .sum()
    }

    fn text_of(items: &[Item]) -> String {
        items
            .iter()
            .map(|i| match i {
                Item::Word(w) => w.iter().map(|p| p.text).collect::<String>(),
                Item::Space(_) => " ".into(),
                Item::Fill => String::new(),
            })
            .collect()
    }

    /// Pseudo-random paragraphs (words of 1 to 120 letters, bold and underlined runs, indents): every line fits its
    /// width, and no text is lost or reordered.
    #[test]
    fn lines_never_overflow_and_keep_every_character() {
        let fonts = Fonts::load().unwrap();
        let doc = Doc::new(&fonts, "test");
        let mut seed: u64 = 42;
        let mut next = |n: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        let letters: Vec<char> =
            "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЭЮЯ0123456789-.,«»№@".chars().collect();
        for _ in 0..300 {
            let mut spans = Vec::new();
            for _ in 0..(1 + next(8)) {
                let words: Vec<String> = (0..(1 + next(12)))
                    .map(|_| {
                        let len = if next(20) == 0 { 60 + next(60) } else { 1 + next(14) };
                        (0..len).map(|_| letters[next(letters.len() as u64) as usize]).collect()
                    })
                    .collect();
                let mut span = Span::text(words.join(" ") + " ");
                span.bold = next(3) == 0;
                span.underline = next(3) == 0;
                spans.push(span);
            }
            let para = Para::new(spans)
                .size([9.0, 11.0, 14.0, 30.0][next(4) as usize])
                .indent_mm(next(10) as f32)
                .first_indent_mm(next(13) as f32);
            let lines = doc.break_lines(&para);
            let mut joined = String::new();
            for (items, width) in &lines {
                assert!(natural_width(items) <= width + 0.01, "{} > {width}", natural_width(items));
                joined.push_str(&text_of(items));
            }
            let original: String = para
                .spans
                .iter()
                .map(|s| match &s.kind {
                    SpanKind::Text(t) => t.as_str(),
                    _ => "",
                })
                .collect();
            let squash = |s: &str| s.split_whitespace().collect::<String>();
            assert_eq!(squash(&joined), squash(&original));
        }
    }

    #[test]
    fn a_word_longer_than_the_line_is_split_only_then() {
        let fonts = Fonts::load().unwrap();
        let doc = Doc::new(&fonts, "test");
        let long = "a".repeat(200);
        let para = Para::new(vec![Span::text(format!("короткое {long} слово"))]);
        let lines = doc.break_lines(&para);
        let texts: Vec<String> = lines.iter().map(|(items, _)| text_of(items).trim().to_string()).collect();
        assert_eq!(texts[0], "короткое", "the short word is not glued to the split one");
        assert!(texts.len() >= 3, "{texts:?}");
        assert!(texts.last().unwrap().ends_with("слово"));
        assert_eq!(texts.concat().matches('a').count(), 200);
    }
}
