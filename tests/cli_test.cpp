#include <doctest/doctest.h>

#include "support.h"

using dilmanc::test::run_cli;

TEST_CASE("dilmanc --version and --help") {
  auto v = run_cli({"--version"});
  CHECK(v.exit_code == 0);
  CHECK(v.out.rfind("dilmanc ", 0) == 0);

  auto h = run_cli({"--help"});
  CHECK(h.exit_code == 0);
  CHECK(h.out.find("segment") != std::string::npos);
  CHECK(run_cli({"help"}).out == h.out);
}

TEST_CASE("an unknown command names itself, hints, and exits 2") {
  auto r = run_cli({"segmnet"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("'segmnet'") != std::string::npos);
  CHECK(r.err.find("dilmanc segment") != std::string::npos);  // the near miss is suggested
  CHECK(r.out.empty());
}

TEST_CASE("an unknown option names itself and exits 2") {
  auto r = run_cli({"segment", "--frobnicate"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--frobnicate") != std::string::npos);
  CHECK(r.err.find("dilmanc segment --help") != std::string::npos);

  auto g = run_cli({"--frobnicate"});
  CHECK(g.exit_code == 2);
  CHECK(g.err.find("--frobnicate") != std::string::npos);
}

TEST_CASE("no command at all is a usage error") {
  auto r = run_cli({});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("segment") != std::string::npos);
}

TEST_CASE("help SUBCOMMAND and SUBCOMMAND --help agree") {
  auto a = run_cli({"help", "segment"});
  auto b = run_cli({"segment", "--help"});
  CHECK(a.exit_code == 0);
  CHECK(b.exit_code == 0);
  CHECK(a.out == b.out);
  CHECK(a.out.find("--ui-lang") != std::string::npos);
}

TEST_CASE("the interface language follows --ui-lang and the environment") {
  auto az = run_cli({"--ui-lang", "az", "--help"});
  auto ru = run_cli({"--help"}, "", {"LANG=ru_RU.UTF-8"});
  auto en = run_cli({"--help"}, "", {"LANG=C"});
  auto fallback = run_cli({"--help"}, "", {"LANG=de_DE.UTF-8"});
  auto all_wins = run_cli({"--help"}, "", {"LANG=ru_RU.UTF-8", "LC_ALL=az_AZ.UTF-8"});
  CHECK(az.out.find("Əmrlər") != std::string::npos);
  CHECK(ru.out.find("Команды") != std::string::npos);
  CHECK(en.out.find("Commands") != std::string::npos);
  CHECK(fallback.out == en.out);
  CHECK(all_wins.out == az.out);
  // an explicit flag beats the environment
  CHECK(run_cli({"--ui-lang=en", "--help"}, "", {"LC_ALL=ru_RU.UTF-8"}).out == en.out);
}

TEST_CASE("an unknown interface language is a usage error") {
  auto r = run_cli({"--ui-lang", "fr", "--help"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("fr") != std::string::npos);
}

TEST_CASE("errors are translated too") {
  auto r = run_cli({"--ui-lang", "ru", "nosuchcommand"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("неизвестная команда") != std::string::npos);
}

TEST_CASE("an unknown --ui-lang is reported in the environment's language") {
  auto r = run_cli({"--ui-lang=xx", "--help"}, "", {"LANG=ru_RU.UTF-8"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("«xx»") != std::string::npos);
  CHECK(r.err.find("неизвестный язык интерфейса") != std::string::npos);
}
