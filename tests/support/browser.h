// Opens pages in a real headless Chromium so that report tests can check what
// a browser actually builds from our HTML and SVG (the DOM after parsing) and
// save a screenshot for people to look at. Header-only so that any test
// folder can include it ("support/browser.h").
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unistd.h>

namespace rlvr::testing {

// The first of chromium, chromium-browser, google-chrome found on PATH, or
// an empty path when none is installed (tests then skip, saying so).
inline std::filesystem::path find_chromium() {
  const char* path_env = std::getenv("PATH");
  std::string path = path_env ? path_env : "/usr/bin:/bin";
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
    std::stringstream dirs(path);
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
      std::filesystem::path candidate = std::filesystem::path(dir) / name;
      if (!dir.empty() && ::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
  }
  return {};
}

namespace detail {

inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs Chromium headless on `url` with `flags`, stdout to `out`; a fresh
// profile folder each time so runs never share state. Throws with the
// browser's log when it fails or runs over two minutes.
inline void run_chromium(const std::filesystem::path& chromium, const std::string& flags,
                         const std::string& url, const std::filesystem::path& out) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "rlvr-chromium-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("cannot create a temporary profile folder");
  std::filesystem::path profile = tmpl;
  std::filesystem::path log = profile / "browser.log";
  std::string cmd = "timeout 120 " + shell_quote(chromium.string()) +
                    " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
                    " --disable-background-networking --disable-component-update --disable-sync"
                    " --disable-dev-shm-usage --user-data-dir=" + shell_quote(profile.string()) + " " +
                    flags + " " + shell_quote(url) + " >" + shell_quote(out.string()) + " 2>" +
                    shell_quote(log.string());
  int rc = std::system(cmd.c_str());
  std::string log_text = slurp(log);
  std::error_code ignored;
  std::filesystem::remove_all(profile, ignored);
  if (rc != 0) {
    throw std::runtime_error("chromium failed (status " + std::to_string(rc) + "): " + cmd + "\n" + log_text);
  }
}

}  // namespace detail

// The DOM Chromium builds from the page at `html`, serialised after loading.
inline std::string dump_dom(const std::filesystem::path& chromium, const std::filesystem::path& html) {
  std::filesystem::path out = std::filesystem::path(html).concat(".dom.html");
  detail::run_chromium(chromium, "--dump-dom", "file://" + std::filesystem::absolute(html).string(), out);
  std::string dom = detail::slurp(out);
  std::filesystem::remove(out);
  return dom;
}

// A PNG screenshot of the page at the given window size.
inline void screenshot(const std::filesystem::path& chromium, const std::filesystem::path& html,
                       const std::filesystem::path& png, int width, int height) {
  std::filesystem::create_directories(std::filesystem::absolute(png).parent_path());
  std::filesystem::path out = std::filesystem::path(png).concat(".stdout");
  detail::run_chromium(chromium,
                       "--hide-scrollbars --screenshot=" +
                           detail::shell_quote(std::filesystem::absolute(png).string()) +
                           " --window-size=" + std::to_string(width) + "," + std::to_string(height),
                       "file://" + std::filesystem::absolute(html).string(), out);
  std::filesystem::remove(out);
}

// Takes a fresh screenshot (as above) and returns "" when it is a PNG of more
// than min_bytes (a blank page compresses to a few kB), else what is wrong.
inline std::string screenshot_problem(const std::filesystem::path& chromium, const std::filesystem::path& html,
                                      const std::filesystem::path& png, int width, int height,
                                      std::uintmax_t min_bytes) {
  std::filesystem::remove(png);
  screenshot(chromium, html, png, width, height);
  if (!std::filesystem::exists(png)) return "no screenshot written";
  std::ifstream in(png, std::ios::binary);
  char sig[8] = {};
  in.read(sig, 8);
  if (std::string(sig, 8) != std::string("\x89PNG\r\n\x1a\n", 8)) return "not a PNG";
  if (std::filesystem::file_size(png) <= min_bytes)
    return "only " + std::to_string(std::filesystem::file_size(png)) + " bytes: a blank page?";
  return "";
}

}  // namespace rlvr::testing
