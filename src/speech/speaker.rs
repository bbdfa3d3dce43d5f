//! Saying things aloud while the kiosk runs: on a thread of its own, never blocking the UI, each utterance cutting
//! off the one still playing (a person who taps on should not wait for the last screen's words).

use super::SpeechError;
use pdo_core::domain::Lang;
use std::process::Child;
use std::sync::mpsc;

/// Where the kiosk's words go when speech is on.
pub trait Speaker: Send + Sync + std::fmt::Debug {
    /// Starts saying `words`, cutting off whatever is being said; returns at once.
    fn say(&self, words: &str, lang: Lang);
    /// Stops talking (speech turned off, the session wiped).
    fn hush(&self);
    /// Whether there is anything to hear speech on (a sound card); without one the switch says so.
    fn available(&self) -> bool;
}

/// A kiosk without speech: no sound card, or none wanted.
#[derive(Debug, Default)]
pub struct Silent;

impl Speaker for Silent {
    fn say(&self, _words: &str, _lang: Lang) {}
    fn hush(&self) {}
    fn available(&self) -> bool {
        false
    }
}

enum Utterance {
    Say(String, Lang),
    Hush,
}

/// Starts a process saying the words; the process is killed when the next utterance comes.
pub type Player = Box<dyn Fn(&str, Lang) -> Result<Child, SpeechError> + Send>;

/// Speech on its own thread, one player process per utterance (espeak-ng on the sound card, see `espeak`).
#[derive(Debug)]
pub struct ProcessSpeaker {
    tx: mpsc::Sender<Utterance>,
    available: bool,
}

impl std::fmt::Debug for Utterance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the words: logs carry no text shown to a person.
        f.write_str(match self {
            Utterance::Say(..) => "Say",
            Utterance::Hush => "Hush",
        })
    }
}

impl ProcessSpeaker {
    /// espeak-ng on the default sound device; available when this machine has a sound card to play on.
    pub fn espeak() -> Self {
        Self::start(Box::new(play), has_sound_card(std::path::Path::new("/dev/snd")))
    }

    /// The speech thread, started now, saying each utterance with `player`.
    pub fn start(player: Player, available: bool) -> Self {
        let (tx, rx) = mpsc::channel::<Utterance>();
        let spawned = std::thread::Builder::new().name("speech".into()).spawn(move || {
            let mut playing: Option<Child> = None;
            for utterance in rx {
                if let Some(mut child) = playing.take() {
                    // Cut off, and reaped so no process is left behind.
                    let _ = child.kill();
                    let _ = child.wait();
                }
                if let Utterance::Say(words, lang) = utterance {
                    match player(&words, lang) {
                        Ok(child) => playing = Some(child),
                        Err(err) => tracing::warn!(error = %err, "speech not played"),
                    }
                }
            }
            if let Some(mut child) = playing {
                let _ = child.kill();
                let _ = child.wait();
            }
        });
        if let Err(err) = spawned {
            tracing::warn!(error = %err, "speech thread not started");
        }
        Self { tx, available }
    }
}

impl Speaker for ProcessSpeaker {
    fn say(&self, words: &str, lang: Lang) {
        let _ = self.tx.send(Utterance::Say(words.to_owned(), lang));
    }

    fn hush(&self) {
        let _ = self.tx.send(Utterance::Hush);
    }

    fn available(&self) -> bool {
        self.available
    }
}

/// espeak-ng saying `words` on the default sound device.
fn play(words: &str, lang: Lang) -> Result<Child, SpeechError> {
    super::EspeakNg::start(words, lang, false)
}

/// A sound card has a playback device node (`pcmC0D0p`) under `/dev/snd`.
pub fn has_sound_card(dev_snd: &std::path::Path) -> bool {
    std::fs::read_dir(dev_snd).is_ok_and(|entries| {
        entries.flatten().any(|entry| {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            name.starts_with("pcmC") && name.ends_with('p')
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    /// Whether the process `pid` still runs (not a zombie either: the speaker reaps what it kills).
    fn running(pid: u32) -> bool {
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .is_ok_and(|stat| stat.rsplit(')').next().is_some_and(|rest| !rest.trim_start().starts_with('Z')))
    }

    #[test]
    fn the_next_utterance_cuts_off_the_one_playing_at_once() {
        let pids = Arc::new(Mutex::new(Vec::new()));
        let seen = pids.clone();
        // A player that would talk for half a minute.
        let player: Player = Box::new(move |_words, _lang| {
            let child = Command::new("sleep").arg("30").spawn().map_err(SpeechError::NoEngine)?;
            seen.lock().unwrap().push(child.id());
            Ok(child)
        });
        let speaker = ProcessSpeaker::start(player, true);
        let wait_for = |n: usize| {
            let start = Instant::now();
            while pids.lock().unwrap().len() < n {
                assert!(start.elapsed() < Duration::from_secs(5), "the player was not started");
                std::thread::sleep(Duration::from_millis(5));
            }
        };
        speaker.say("Первый экран", Lang::Ru);
        wait_for(1);
        let first = pids.lock().unwrap()[0];
        assert!(running(first));
        let cut = Instant::now();
        speaker.say("Второй экран", Lang::Ru);
        wait_for(2);
        while running(first) {
            assert!(cut.elapsed() < Duration::from_millis(300), "the first utterance still plays");
            std::thread::sleep(Duration::from_millis(2));
        }
        let second = pids.lock().unwrap()[1];
        assert!(running(second), "the second one plays");
        speaker.hush();
        let hushed = Instant::now();
        while running(second) {
            assert!(hushed.elapsed() < Duration::from_millis(300), "hush did not stop it");
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    #[test]
    fn a_sound_card_is_a_playback_device_node() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!has_sound_card(dir.path()), "empty");
        assert!(!has_sound_card(&dir.path().join("missing")), "no /dev/snd at all");
        std::fs::write(dir.path().join("controlC0"), b"").unwrap();
        std::fs::write(dir.path().join("pcmC0D0c"), b"").unwrap();
        assert!(!has_sound_card(dir.path()), "capture only: nothing to hear");
        std::fs::write(dir.path().join("pcmC0D0p"), b"").unwrap();
        assert!(has_sound_card(dir.path()));
    }
}
