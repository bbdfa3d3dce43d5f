"""The vision pipeline's steps done by OpenCV, for the benchmark's comparison (run by benches/vision.rs).

Usage: python3 opencv_pipeline.py RUNS THREADS IMAGE...   Prints one JSON object per image:
{"file", "ms" (median of RUNS warm runs, in-process perf_counter), "cpu_ms" (median process CPU time, all threads), "found", "corners", "threads", "opencv"}.
Decoding the file is not timed, as in ours.
"""
import json
import math
import sys
import time

import cv2
import numpy as np


def pipeline(img):
    gray = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    h, w = gray.shape
    f = max(1, math.ceil(max(w, h) / 480))
    small = cv2.resize(gray, (w // f, h // f), interpolation=cv2.INTER_AREA)
    edges = cv2.Canny(cv2.GaussianBlur(small, (5, 5), 0), 50, 150)
    edges = cv2.dilate(edges, None)
    contours, _ = cv2.findContours(edges, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    c = max(contours, key=cv2.contourArea)
    approx = cv2.approxPolyDP(c, 0.02 * cv2.arcLength(c, True), True)
    if len(approx) != 4:
        return None
    pts = approx.reshape(4, 2).astype(np.float32) * f + (f - 1) / 2.0
    s, d = pts.sum(axis=1), np.diff(pts, axis=1).ravel()
    quad = np.array([pts[np.argmin(s)], pts[np.argmin(d)], pts[np.argmax(s)], pts[np.argmax(d)]], np.float32)
    width = max(np.linalg.norm(quad[0] - quad[1]), np.linalg.norm(quad[3] - quad[2]))
    height = max(np.linalg.norm(quad[0] - quad[3]), np.linalg.norm(quad[1] - quad[2]))
    scale = min(1.0, 1600.0 / max(width, height))
    ow, oh = int(round(width * scale)), int(round(height * scale))
    dst = np.array([[0, 0], [ow - 1, 0], [ow - 1, oh - 1], [0, oh - 1]], np.float32)
    m = cv2.getPerspectiveTransform(quad, dst)
    flat = cv2.warpPerspective(img, m, (ow, oh), flags=cv2.INTER_LINEAR)
    fg = cv2.cvtColor(flat, cv2.COLOR_BGR2GRAY)
    half = cv2.resize(fg, (ow // 2, oh // 2), interpolation=cv2.INTER_AREA)
    sharpness = cv2.Laplacian(half, cv2.CV_64F).var()
    _, hot = cv2.threshold(half, 249, 255, cv2.THRESH_BINARY)
    glare = cv2.countNonZero(hot) / hot.size
    return quad, sharpness, glare


def main():
    runs, threads = int(sys.argv[1]), int(sys.argv[2])
    if threads > 0:
        cv2.setNumThreads(threads)
    for path in sys.argv[3:]:
        img = cv2.imread(path, cv2.IMREAD_COLOR)
        for _ in range(5):
            pipeline(img)
        times, cpu = [], []
        for _ in range(runs):
            t, c = time.perf_counter(), time.process_time()
            out = pipeline(img)
            times.append((time.perf_counter() - t) * 1e3)
            cpu.append((time.process_time() - c) * 1e3)
        times.sort()
        cpu.sort()
        print(json.dumps({
            "file": path,
            "ms": times[len(times) // 2],
            "cpu_ms": cpu[len(cpu) // 2],
            "found": out is not None,
            "corners": out[0].round(1).tolist() if out is not None else [],
            "threads": cv2.getNumThreads(),
            "opencv": cv2.__version__,
        }), flush=True)


if __name__ == "__main__":
    main()
