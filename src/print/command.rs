//! `pdo-kiosk print-forms`: the forms of an application JSON into a folder and/or onto an IPP printer.

use super::forms::{self, FormKind};
use super::ipp::{PrintEvent, PrintOptions, Printer};
use super::layout::Fonts;
use anyhow::{Context, anyhow};
use pdo_core::api::Application;
use std::path::Path;

/// Reads an application from JSON; a bad file names the field that is wrong (`child.birth_date: …`) with the
/// line and column.
pub fn read_application(path: &Path) -> anyhow::Result<Application> {
    let text = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    parse_application(&text).with_context(|| format!("{} is not a valid application", path.display()))
}

pub fn parse_application(json: &[u8]) -> anyhow::Result<Application> {
    let de = &mut serde_json::Deserializer::from_slice(json);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path == "." || path.is_empty() { anyhow!("{inner}") } else { anyhow!("field `{path}`: {inner}") }
    })
}

pub fn print_forms(input: &Path, out: Option<&Path>, printer: Option<&str>) -> anyhow::Result<()> {
    let app = read_application(input)?;
    // Check the printer address before any work, so a typo fails at once.
    let printer = printer.map(|uri| Printer::new(uri, PrintOptions::default())).transpose()?;
    let fonts = Fonts::load()?;
    let rendered = forms::render_all(&app, &fonts)?;
    if let Some(dir) = out {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        for (kind, pdf) in rendered.iter() {
            let path = dir.join(kind.file_name());
            std::fs::write(&path, pdf).with_context(|| format!("cannot write {}", path.display()))?;
            println!("{}", path.display());
        }
    }
    if let Some(printer) = printer {
        let jobs = rendered.print_jobs(&app.number);
        let docs: Vec<(&str, &[u8])> = jobs.iter().map(|(name, pdf)| (name.as_str(), pdf.as_slice())).collect();
        let outcomes = printer.print_all(&docs, |event| {
            if let PrintEvent::WaitingForPrinter { name } = &event {
                eprintln!("printer busy, retrying: {name}");
            }
        })?;
        for (outcome, kind) in outcomes.iter().zip(FormKind::ALL) {
            println!(
                "printed {} on {} (job {}, {:.1} s)",
                kind.file_name(),
                printer.uri(),
                outcome.job_id,
                outcome.elapsed.as_secs_f32()
            );
        }
    }
    Ok(())
}
