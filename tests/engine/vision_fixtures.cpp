// vision-fixtures: makes and distorts test images for tests/engine/vision_engine_test.cpp with
// OpenCV, so the unit test binary itself links no media library. The output format follows the
// output file's extension.
//
//   vision-fixtures scene SEED W H OUT       natural-looking content: gradients, shapes, noise
//   vision-fixtures solid W H VALUE OUT      a flat grey image
//   vision-fixtures qr TEXT OUT              a QR code (cv::QRCodeEncoder), 8 px modules
//   vision-fixtures ean13 DIGITS OUT         an EAN-13 barcode (13 digits, check digit included)
//   vision-fixtures face OUT                 a 320x240 grey frontal-face model (shaded oval,
//                                            eyes, brows, nose, mouth) that the Haar cascade finds
//   vision-fixtures jpeg IN OUT QUALITY      re-encode as JPEG
//   vision-fixtures resize IN OUT FACTOR     resize (INTER_AREA down, INTER_CUBIC up)
//   vision-fixtures bright IN OUT DELTA      add DELTA to every channel (saturating)
//   vision-fixtures blur IN OUT SIGMA        Gaussian blur
//   vision-fixtures psnr A B                 prints the PSNR of B against A in dB
#include <cmath>
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
      cv::line(img, p, cv::Point(rng.uniform(0, w), rng.uniform(0, h)), color, rng.uniform(1, 5),
               cv::LINE_AA);
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

cv::Mat ean13(const std::string& digits) {
  static const char* kL[] = {"0001101", "0011001", "0010011", "0111101", "0100011",
                             "0110001", "0101111", "0111011", "0110111", "0001011"};
  static const char* kParity[] = {"LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG",
                                  "LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL", "LGGLGL"};
  auto code = [](int d, char set) {  // R = complement of L; G = R reversed
    std::string r;
    for (const char* c = kL[d]; *c; ++c) r.push_back(*c == '0' ? '1' : '0');
    if (set == 'R') return r;
    if (set == 'G') return std::string(r.rbegin(), r.rend());
    return std::string(kL[d]);
  };
  std::string bits = "101";
  for (int i = 1; i <= 6; ++i) bits += code(digits[i] - '0', kParity[digits[0] - '0'][i - 1]);
  bits += "01010";
  for (int i = 7; i <= 12; ++i) bits += code(digits[i] - '0', 'R');
  bits += "101";
  const int module = 3, quiet = 12 * module;
  cv::Mat img(160, static_cast<int>(bits.size()) * module + 2 * quiet, CV_8UC1, cv::Scalar(255));
  for (size_t i = 0; i < bits.size(); ++i) {
    if (bits[i] == '1') {
      img(cv::Rect(quiet + static_cast<int>(i) * module, 20, module, 120)).setTo(0);
    }
  }
  return img;
}

// Luminance model of a frontal face: a shaded oval with dark eyes, brows, nostrils and mouth, a
// bright nose bridge and dark hair. Crude, but it has the contrasts a Haar cascade looks for.
cv::Mat face() {
  cv::Mat f(240, 320, CV_32F, cv::Scalar(0.85f));
  for (int y = 0; y < 240; ++y) {
    for (int x = 0; x < 320; ++x) {
      auto blob = [x, y](float cx, float cy, float sx, float sy) {
        float a = (x - cx) / sx, b = (y - cy) / sy;
        return std::exp(-(a * a + b * b));
      };
      float dx = (x - 160) / 60.f, dy = (y - 125) / 78.f, r = dx * dx + dy * dy;
      if (r < 1) {
        float v = 0.75f - 0.15f * r;
        v -= 0.6f * (blob(138, 105, 14, 7) + blob(182, 105, 14, 7));  // eyes
        v -= 0.35f * (blob(136, 90, 16, 3) + blob(184, 90, 16, 3));   // brows
        v += 0.10f * blob(160, 110, 6, 20);                           // nose bridge
        v -= 0.25f * (blob(152, 140, 5, 3) + blob(168, 140, 5, 3));   // nostrils
        v -= 0.5f * blob(160, 162, 20, 4);                            // mouth
        v -= 0.1f * (blob(120, 130, 8, 25) + blob(200, 130, 8, 25));  // cheek shading
        f.at<float>(y, x) = v;
      }
      if (dy < -0.55f && r < 1.25f) f.at<float>(y, x) = 0.15f;  // hair
    }
  }
  cv::Mat out;
  f.convertTo(out, CV_8U, 255);
  cv::GaussianBlur(out, out, cv::Size(), 1.5);
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
  if (a.size() == 3 && a[0] == "ean13" && a[1].size() == 13) return write(argv[3], ean13(a[1]));
  if (a.size() == 2 && a[0] == "face") return write(argv[2], face());
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
