//! The synthetic camera: plays a folder, loops, keeps its pace, and reports missing or vanished folders as states.

use std::time::Instant;

use pdo_vision::camera::SyntheticCamera;
use pdo_vision::testimg::{Scene, scene};
use pdo_vision::{CameraState, FrameSource, open_source, parse_camera_spec};

fn folder_of_three() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (i, sc) in [Scene::Upright, Scene::NoDocument, Scene::Turned(1)].into_iter().enumerate() {
        let (f, _) = scene(sc, 320, 180, i as u64);
        image::RgbImage::from_raw(320, 180, f.rgb().to_vec())
            .unwrap()
            .save(dir.path().join(format!("{i}.png")))
            .unwrap();
    }
    // Not an image by its name: ignored.
    std::fs::write(dir.path().join("readme.txt"), "x").unwrap();
    dir
}

#[test]
fn plays_the_folder_in_order_and_loops_at_its_fps() {
    let dir = folder_of_three();
    let spec = parse_camera_spec(&format!("synthetic:{}", dir.path().display())).unwrap();
    let mut cam = open_source(&spec);
    assert_eq!(cam.state(), CameraState::Closed);
    assert!(matches!(cam.open(), CameraState::Streaming { width: 320, height: 180, fps: 30 }));

    let mut cam = SyntheticCamera::new(dir.path().into(), 50);
    cam.open();
    let start = Instant::now();
    let frames: Vec<_> = (0..7).map(|_| cam.next_frame().expect("frame")).collect();
    let took = start.elapsed().as_secs_f64();
    // 7 frames at 50 fps: 6 intervals of 20 ms after the first.
    assert!(took >= 0.115, "too fast: {took:.3} s");
    assert!(frames.iter().all(|f| (f.width(), f.height()) == (320, 180)));
    assert_eq!(frames[0], frames[3]);
    assert_eq!(frames[2], frames[5]);
    assert_ne!(frames[0], frames[1]);
    assert_ne!(frames[1], frames[2]);
}

#[test]
fn missing_or_empty_folder_is_no_camera() {
    let empty = tempfile::tempdir().unwrap();
    let mut cam = SyntheticCamera::new(empty.path().into(), 0);
    match cam.open() {
        CameraState::NoCamera(why) => assert!(why.contains("no PNG or JPEG images"), "{why}"),
        other => panic!("{other:?}"),
    }
    assert!(cam.next_frame().is_none());
    let mut cam = SyntheticCamera::new(empty.path().join("gone"), 0);
    assert!(matches!(cam.open(), CameraState::NoCamera(_)));
}

#[test]
fn a_vanished_folder_is_disconnected_and_reopens_when_back() {
    let dir = folder_of_three();
    let mut cam = SyntheticCamera::new(dir.path().into(), 0);
    cam.open();
    assert!(cam.next_frame().is_some());
    let moved = dir.path().with_extension("away");
    std::fs::rename(dir.path(), &moved).unwrap();
    assert!(cam.next_frame().is_none());
    assert!(matches!(cam.state(), CameraState::Disconnected(_)), "{:?}", cam.state());
    assert!(cam.next_frame().is_none(), "stays down until reopened");
    std::fs::rename(&moved, dir.path()).unwrap();
    assert!(matches!(cam.open(), CameraState::Streaming { .. }));
    assert!(cam.next_frame().is_some());
    cam.close();
    assert_eq!(cam.state(), CameraState::Closed);
    assert!(cam.next_frame().is_none());
}

/// Needs the `v4l` feature (and libclang to build): `cargo test -p pdo-vision --features v4l --test camera`.
#[cfg(feature = "v4l")]
#[test]
fn v4l_without_a_device_is_no_camera_not_a_panic() {
    use pdo_vision::CameraSpec;
    // No such device on any machine.
    let mut cam = open_source(&CameraSpec::V4l { index: 97 });
    match cam.open() {
        CameraState::NoCamera(why) => assert!(!why.is_empty()),
        other => panic!("{other:?}"),
    }
    assert!(cam.next_frame().is_none());
    // `auto` on a machine without /dev/video*: the query is empty, which is no camera too.
    if !std::path::Path::new("/dev/video0").exists() {
        let mut cam = open_source(&CameraSpec::Auto);
        assert!(matches!(cam.open(), CameraState::NoCamera(_)), "{:?}", cam.state());
    }
}
