// vision-fixtures: makes and distorts test images for tests/engine/vision_engine_test.cpp with
// OpenCV, so the unit test binary itself links no media library. The output format follows the
// output file's extension.
//
//   vision-fixtures scene SEED W H OUT       natural-looking content: gradients, shapes, noise
//   vision-fixtures solid W H VALUE OUT      a flat grey image
//   vision-fixtures qr TEXT OUT              a QR code (cv::QRCodeEncoder), 8 px modules
//   vision-fixtures jpeg IN OUT QUALITY      re-encode as JPEG
//   vision-fixtures resize IN OUT FACTOR     resize (INTER_AREA down, INTER_CUBIC up)
//   vision-fixtures bright IN OUT DELTA      add DELTA to every channel (saturating)
//   vision-fixtures blur IN OUT SIGMA        Gaussian blur
//   vision-fixtures psnr A B                 prints the PSNR of B against A in dB
#include <cstdio>
#include <cstdlib>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>
#include <string>
#include <vector>

namespace {

cv::Mat scene(int seed, int w, int h) {
  cv::RNG rng(static_cast<std::uint64_t>(seed) * 7919 + 17);
  cv::Mat img(h, w, CV_32FC3);
  cv::Vec3f c0(rng.uniform(40.f, 120.f), rng.uniform(60.f, 160.f), rng.uniform(80.f, 200.f));
  cv::Vec3f c1(rng.uniform(120.f, 220.f), rng.uniform(80.f, 200.f), rng.uniform(30.f, 140.f));
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      float t = 0.6f * x / w + 0.4f * y / h;
      img.at<cv::Vec3f>(y, x) = c0 * (1 - t) + c1 * t;
    }
  }
  for (int i = 0; i < 14; ++i) {
    cv::Scalar color(rng.uniform(0, 255), rng.uniform(0, 255), rng.uniform(0, 255));
    cv::Point p(rng.uniform(0, w), rng.uniform(0, h));
    if (i % 3 == 0) {
      cv::circle(img, p, rng.uniform(8, w / 5), color, cv::FILLED, cv::LINE_AA);
    } else if (i % 3 == 1) {
      cv::rectangle(img, p, p + cv::Point(rng.uniform(10, w / 4), rng.uniform(10, h / 4)), color,
                    cv::FILLED, cv::LINE_AA);
    } else {
      cv::line(img, p, cv::Point(rng.uniform(0, w), rng.uniform(0, h)), color,
               rng.uniform(1, 5), cv::LINE_AA);
    }
  }
  cv::GaussianBlur(img, img, cv::Size(), 1.2);
  cv::Mat noise(h, w, CV_32FC3);
  rng.fill(noise, cv::RNG::NORMAL, 0, 6);
  img += noise;
  cv::Mat out;
  img.convertTo(out, CV_8UC3);
  return out;
}

cv::Mat read(const char* path) {
  cv::Mat m = cv::imread(path, cv::IMREAD_COLOR);
  if (m.empty()) {
    std::fprintf(stderr, "vision-fixtures: cannot read %s\n", path);
    std::exit(1);
  }
  return m;
}

int write(const char* path, const cv::Mat& m, const std::vector<int>& params = {}) {
  return cv::imwrite(path, m, params) ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> a(argv + 1, argv + argc);
  if (a.size() == 5 && a[0] == "scene") {
    return write(argv[5], scene(std::atoi(argv[2]), std::atoi(argv[3]), std::atoi(argv[4])));
  }
  if (a.size() == 5 && a[0] == "solid") {
    cv::Mat m(std::atoi(argv[3]), std::atoi(argv[2]), CV_8UC3, cv::Scalar::all(std::atoi(argv[4])));
    return write(argv[5], m);
  }
  if (a.size() == 3 && a[0] == "qr") {
    cv::Mat code, big;
    cv::QRCodeEncoder::create()->encode(a[1], code);
    cv::resize(code, big, cv::Size(), 8, 8, cv::INTER_NEAREST);
    cv::copyMakeBorder(big, big, 32, 32, 32, 32, cv::BORDER_CONSTANT, cv::Scalar(255));
    return write(argv[3], big);
  }
  if (a.size() == 4 && a[0] == "jpeg") {
    return write(argv[3], read(argv[2]), {cv::IMWRITE_JPEG_QUALITY, std::atoi(argv[4])});
  }
  if (a.size() == 4 && a[0] == "resize") {
    double f = std::atof(argv[4]);
    cv::Mat out;
    cv::resize(read(argv[2]), out, cv::Size(), f, f, f < 1 ? cv::INTER_AREA : cv::INTER_CUBIC);
    return write(argv[3], out);
  }
  if (a.size() == 4 && a[0] == "bright") {
    cv::Mat out;
    read(argv[2]).convertTo(out, -1, 1.0, std::atof(argv[4]));
    return write(argv[3], out);
  }
  if (a.size() == 4 && a[0] == "blur") {
    cv::Mat out;
    cv::GaussianBlur(read(argv[2]), out, cv::Size(), std::atof(argv[4]));
    return write(argv[3], out);
  }
  if (a.size() == 3 && a[0] == "psnr") {
    std::printf("%.2f\n", cv::PSNR(read(argv[2]), read(argv[3])));
    return 0;
  }
  std::fprintf(stderr, "vision-fixtures: bad arguments (see the file header)\n");
  return 2;
}
