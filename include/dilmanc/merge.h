// Merge: translated XLIFF files back into their articles, as editions in the target
// language, and the translations into the memory.
//
// For each <file> of each XLIFF, merge finds the article (its `original` resolved against
// the XLIFF's folder, or MergeOptions::article; see article_folders for where it may
// lead), reads and segments it with the source
// language's rules, and puts each target back: per sentence when the XLIFF keeps
// extract's segment ids, per block when the translator's tool segmented the block
// otherwise. The edition is written as `<output_dir>/<name>.<lang>.<ext>` in the
// article's own format (see article_name() in extract.h). docs/xliff-mapping.md says how
// ids and codes map.
//
// All or nothing: every edition is rendered and checked first (two XLIFF files that
// would write the same edition, or an edition that would replace the article, are
// refused); then the memory is opened, the editions written under temporary names
// (unique to the merge), the memory updated in one transaction and the editions renamed
// into place. On any error nothing is written and the memory is unchanged. The output folder is created (with its
// parents) when it does not exist, once everything has been checked.
//
// Thread-safety: no shared state; the TranslationMemory is used from the calling thread.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "dilmanc/translation_memory.h"

namespace dilmanc {

struct MergeOptions {
  std::filesystem::path output_dir = ".";
  std::optional<std::filesystem::path> article;  // the article of every XLIFF, instead of `original`
  // Folders besides the XLIFF's own in which an `original` may lie: an XLIFF extracted
  // with -o into another folder names its article as "../articles/a.html". The command
  // line gives the working folder and --site. Whatever the folder, the article's real
  // path (links followed) must lie inside one of them.
  std::vector<std::filesystem::path> article_folders;
  bool allow_incomplete = false;  // units without a usable target keep their source (a warning)
  std::string user;               // recorded as the memory units' author
};

// A translation written into the edition but kept out of the memory.
struct MemoryExclusion {
  std::string id;      // the sentence (or, merged whole, the block)
  std::string reason;  // in the interface language
};

struct MergedEdition {
  std::filesystem::path xliff;
  std::filesystem::path article;
  std::filesystem::path edition;
  std::string target_language;
  std::size_t segments = 0;      // sentences of the article
  std::size_t translated = 0;    // sentences or blocks given a translation
  std::size_t memory_units = 0;  // units added to or refreshed in the memory (0 without one)
  // The translations the memory does not take (see xliff_memory_exclusion() in xliff.h),
  // and blocks merged whole, whose sentences are not aligned; in the article's order.
  // Listed whether or not a memory is updated.
  std::vector<MemoryExclusion> left_out;
};

struct MergeResult {
  std::vector<MergedEdition> editions;
  // Problems that do not stop the merge, each "FILE: unit ID: message", in the interface
  // language: numbers missing from a target, a target identical to its source, leading or
  // trailing whitespace that differs, and (with allow_incomplete) units left untranslated.
  std::vector<std::string> warnings;
};

// Merges `xliff_files`: every usable target goes into the edition. `memory` (nullptr: no
// memory update) gets every sentence merged on its own whose target is finished work
// (xliff_memory_exclusion() says which), with its context, so that extracting the same
// article again gives 101.
// Throws Error(kInput) naming the XLIFF (and unit) when: the XLIFF is unreadable or
// declares no target language, or declares its source language as the target; its
// `original` is absolute or a URI, or lies (links followed) outside the XLIFF's folder and
// article_folders; the edition would be the article itself (or another input of the
// merge) or land outside the output folder; two XLIFF files would write the same
// edition; a unit id is not in the article; the article changed since extraction (the
// message lists the segments that differ and those not in the XLIFF); units have no
// usable target (listed with their source; unless allow_incomplete); a target's inline
// codes are missing, extra or unbalanced (naming the segment and the unit's line). Error(kUsage) when the output path is not a folder;
// Error(kIo) from reading and writing files (the output folder included) and from the
// memory.
MergeResult merge(const std::vector<std::filesystem::path>& xliff_files, const MergeOptions& options,
                  TranslationMemory* memory);

// The same, with the memory opened only once every check has passed: `open_memory` is
// called at most once, and not at all when the merge is refused, so that a refused merge
// does not create a memory file. It may return nullptr (no memory update).
MergeResult merge(const std::vector<std::filesystem::path>& xliff_files, const MergeOptions& options,
                  const std::function<TranslationMemory*()>& open_memory);

}  // namespace dilmanc
