//! Speech for people who read with difficulty or not at all (EN 301 549, closed functionality): what each screen
//! says when it opens, and the engine that says it. Speech goes through the small [`Voice`] trait, so RHVoice or
//! another engine can stand beside espeak-ng (Debian's `espeak-ng`, run as a process: no build-time library).
//!
//! What is said is always the kiosk's own words (titles, instructions, messages), never what the person typed: in a
//! public room a field is "заполнено", not read out.

mod screens;
mod speaker;

pub use screens::{SCREENS, screen_words};
pub use speaker::{Player, ProcessSpeaker, Silent, Speaker, has_sound_card};

use pdo_core::domain::Lang;
use std::process::{Command, Stdio};

#[derive(Debug, thiserror::Error)]
pub enum SpeechError {
    #[error("the speech engine could not be started ({0}); install espeak-ng")]
    NoEngine(std::io::Error),
    #[error("the speech engine failed: {0}")]
    Engine(String),
}

/// A speech engine: turns words into sound.
pub trait Voice: Send + Sync {
    /// The words as a WAV file (16-bit PCM) in memory.
    fn render(&self, words: &str, lang: Lang) -> Result<Vec<u8>, SpeechError>;
}

/// espeak-ng through its command line: `--stdout` writes a 16-bit mono PCM WAV.
#[derive(Debug, Clone, Default)]
pub struct EspeakNg;

impl EspeakNg {
    /// espeak-ng saying `words`: as a WAV on its standard output (`to_stdout`), or on the default sound device. The
    /// words go in on standard input, not as an argument: nothing of them shows in the process list.
    pub fn start(words: &str, lang: Lang, to_stdout: bool) -> Result<std::process::Child, SpeechError> {
        let mut command = Command::new("espeak-ng");
        command.args(["-v", Self::voice(lang), "-s", "140"]).stdin(Stdio::piped());
        if to_stdout {
            command.arg("--stdout").stdout(Stdio::piped()).stderr(Stdio::piped());
        } else {
            command.stdout(Stdio::null()).stderr(Stdio::null());
        }
        let mut child = command.spawn().map_err(SpeechError::NoEngine)?;
        let mut stdin = child.stdin.take().expect("piped");
        use std::io::Write;
        stdin.write_all(words.as_bytes()).map_err(|e| SpeechError::Engine(e.to_string()))?;
        // Closed here, so espeak-ng knows the text is complete and starts at once.
        drop(stdin);
        Ok(child)
    }

    fn voice(lang: Lang) -> &'static str {
        match lang {
            Lang::Ru => "ru",
            Lang::En => "en-gb",
        }
    }
}

impl Voice for EspeakNg {
    fn render(&self, words: &str, lang: Lang) -> Result<Vec<u8>, SpeechError> {
        let child = Self::start(words, lang, true)?;
        let out = child.wait_with_output().map_err(|e| SpeechError::Engine(e.to_string()))?;
        if !out.status.success() || out.stdout.len() < 44 {
            return Err(SpeechError::Engine(String::from_utf8_lossy(&out.stderr).trim().to_string()));
        }
        Ok(out.stdout)
    }
}
