//! Vision benchmark: prints, in one run, our pipeline per 720p and 1080p frame, the same steps in OpenCV
//! (python3-opencv, timed in-process by benches/opencv_pipeline.py on the same images), JPEG q85 of a 1080p frame,
//! and the live preview's frames per second with detection on every frame.
//!
//! Each figure is a median of warm runs, as wall time and as process CPU time (all threads): on a machine shared
//! with a build, wall time mostly measures the other job, CPU time much less so.
//!
//! `cargo bench -p pdo-vision --bench vision`. Without python3-opencv it says so and prints ours only.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use pdo_vision::camera::SyntheticCamera;
use pdo_vision::testimg::{Scene, scene};
use pdo_vision::{Frame, FrameSource, Reason, Steps, detect, encode_jpeg, scan, scan_with_steps};

const RUNS: usize = 60;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn cpu_ms() -> f64 {
    let mut t = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes into the timespec we own.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut t) };
    t.tv_sec as f64 * 1e3 + t.tv_nsec as f64 / 1e6
}

/// Median wall and CPU milliseconds of `f` over `runs` warm runs.
fn time_ms(runs: usize, mut f: impl FnMut()) -> (f64, f64) {
    for _ in 0..5 {
        f();
    }
    let (mut wall, mut cpu) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let (t, c) = (Instant::now(), cpu_ms());
        f();
        wall.push(t.elapsed().as_secs_f64() * 1e3);
        cpu.push(cpu_ms() - c);
    }
    (median(wall), median(cpu))
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "MISSED" }
}

fn save_png(frame: &Frame, path: &Path) {
    image::RgbImage::from_raw(frame.width(), frame.height(), frame.rgb().to_vec())
        .expect("size")
        .save(path)
        .expect("write png");
}

/// A python3 that can import cv2: the one on PATH, else Debian's (python3-opencv installs there).
fn python_with_opencv() -> Option<String> {
    ["python3", "/usr/bin/python3"]
        .into_iter()
        .map(String::from)
        .find(|py| Command::new(py).args(["-c", "import cv2"]).output().map(|o| o.status.success()).unwrap_or(false))
}

fn opencv(py: &str, threads: usize, files: &[PathBuf]) -> Option<Vec<serde_json::Value>> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/opencv_pipeline.py");
    let out = Command::new(py).arg(script).arg(RUNS.to_string()).arg(threads.to_string()).args(files).output().ok()?;
    if !out.status.success() {
        eprintln!("opencv script failed: {}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).ok()).collect()
}

fn main() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let sizes = [(1280usize, 720usize, 15.0), (1920, 1080, 33.0)];
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("pdo-vision benchmark: {cores} cores, median of {RUNS} warm runs, wall / process CPU time");
    println!();
    let mut ours = Vec::new();
    let mut files = Vec::new();
    for (w, h, target) in sizes {
        let (frame, _) = scene(Scene::Upright, w, h, 11);
        let probe = scan(&frame);
        assert_eq!(probe.report.reason, Reason::Ok, "bench scene must be accepted");
        let (wall, cpu) = time_ms(RUNS, || {
            std::hint::black_box(scan(&frame));
        });
        let (dwall, dcpu) = time_ms(RUNS, || {
            std::hint::black_box(detect(&frame));
        });
        let img = probe.image.as_ref().expect("flattened");
        println!(
            "ours    {w}x{h}: scan {wall:6.2} / {cpu:6.2} ms (target <= {target} ms: {}); detect alone {dwall:5.2} / {dcpu:5.2} ms; scan {}x{}",
            verdict(wall <= target),
            img.width(),
            img.height()
        );
        let mut steps = Steps::default();
        let mut per_step: Vec<(&str, Vec<f64>)> = Vec::new();
        for _ in 0..RUNS {
            scan_with_steps(&frame, &mut steps);
            for (i, (name, ms)) in steps.times.iter().enumerate() {
                if per_step.len() <= i {
                    per_step.push((name, Vec::new()));
                }
                per_step[i].1.push(*ms);
            }
        }
        let breakdown: Vec<String> = per_step.into_iter().map(|(n, v)| format!("{n} {:.2}", median(v))).collect();
        println!("        steps, wall ms: {}", breakdown.join(", "));
        let path = tmp.path().join(format!("frame_{h}p.png"));
        save_png(&frame, &path);
        files.push(path);
        ours.push((wall, cpu));
    }
    println!();
    match python_with_opencv() {
        None => println!("OpenCV: python3-opencv not found (apt-get install python3-opencv); ours only"),
        Some(py) => {
            for threads in [0usize, 1] {
                let Some(results) = opencv(&py, threads, &files) else { continue };
                for ((r, (wall, cpu)), (w, h, _)) in results.iter().zip(&ours).zip(sizes) {
                    let (cv_wall, cv_cpu) =
                        (r["ms"].as_f64().unwrap_or(f64::NAN), r["cpu_ms"].as_f64().unwrap_or(f64::NAN));
                    let (rw, rc) = (wall / cv_wall, cpu / cv_cpu);
                    println!(
                        "opencv  {w}x{h}: {cv_wall:6.2} / {cv_cpu:6.2} ms ({} thread(s), OpenCV {}, found {}) -> ours/OpenCV wall {rw:.2}, CPU {rc:.2} (target <= 1.5: {})",
                        r["threads"],
                        r["opencv"].as_str().unwrap_or("?"),
                        r["found"],
                        verdict(rw <= 1.5)
                    );
                }
            }
        }
    }
    println!();
    let (big, _) = scene(Scene::Upright, 1920, 1080, 12);
    let mut size = 0;
    let (jw, jc) = time_ms(RUNS, || size = encode_jpeg(&big, 85).expect("jpeg").len());
    println!(
        "jpeg    1920x1080 q85 (turbojpeg): {jw:5.2} / {jc:5.2} ms, {} KB (target <= 15 ms: {})",
        size / 1024,
        verdict(jw <= 15.0)
    );

    // Preview: the synthetic camera decodes each 1080p JPEG as a camera's MJPEG would be, detection runs on each.
    let cam_dir = tmp.path().join("camera");
    std::fs::create_dir(&cam_dir).expect("dir");
    for (i, sc) in [Scene::Upright, Scene::Turned(1), Scene::Glare, Scene::Turned(3)].into_iter().enumerate() {
        let (f, _) = scene(sc, 1920, 1080, 20 + i as u64);
        std::fs::write(cam_dir.join(format!("{i}.jpg")), &encode_jpeg(&f, 85).expect("jpeg")[..]).expect("write");
    }
    let mut cam = SyntheticCamera::new(cam_dir, 0);
    cam.open();
    let (mut frames, mut found, mut decode_ms) = (0usize, 0usize, 0.0);
    let (start, cpu0) = (Instant::now(), cpu_ms());
    while start.elapsed().as_secs_f64() < 4.0 {
        let t = Instant::now();
        let frame = cam.next_frame().expect("frame");
        decode_ms += t.elapsed().as_secs_f64() * 1e3;
        found += detect(&frame).corners.is_some() as usize;
        frames += 1;
    }
    let (secs, cpu) = (start.elapsed().as_secs_f64(), (cpu_ms() - cpu0) / frames as f64);
    let fps = frames as f64 / secs;
    println!(
        "preview 1920x1080 (synthetic camera: JPEG decode + detect per frame): {fps:5.1} fps ({cpu:.1} ms CPU/frame, of which decode {:.1} ms wall), document found in {found}/{frames} (target >= 15 fps: {})",
        decode_ms / frames as f64,
        verdict(fps >= 15.0)
    );
}
