// Merge: translated XLIFF files back into their articles, as editions in the target
// language, and the translations into the memory.
//
// For each <file> of each XLIFF, merge finds the article (its `original` resolved against
// the XLIFF's folder, or MergeOptions::article), reads and segments it with the source
// language's rules, and puts each target back: per sentence when the XLIFF keeps
// extract's segment ids, per block when the translator's tool segmented the block
// otherwise. The edition is written as `<output_dir>/<name>.<lang>.<ext>` in the
// article's own format (see article_name() in extract.h). docs/xliff-mapping.md says how
// ids and codes map.
//
// All or nothing: every edition is rendered and checked first; then the memory is
// updated in one transaction and the editions are renamed into place. On any error
// nothing is written and the memory is unchanged. The output folder is created (with its
// parents) when it does not exist, once everything has been checked.
//
// Thread-safety: no shared state; the TranslationMemory is used from the calling thread.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "dilmanc/translation_memory.h"

namespace dilmanc {

struct MergeOptions {
  std::filesystem::path output_dir = ".";
  std::optional<std::filesystem::path> article;  // the article of every XLIFF, instead of `original`
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
// declares no target language; its `original` is absolute, climbs out of the XLIFF's
// folder or leads outside it through a link; a unit id is not in the article; the article
// changed since extraction (the message lists the segments); units have no usable target
// (listed with their source; unless allow_incomplete); a target's inline codes are
// missing, extra or unbalanced. Error(kUsage) when the output path is not a folder;
// Error(kIo) from reading and writing files (the output folder included) and from the
// memory.
MergeResult merge(const std::vector<std::filesystem::path>& xliff_files, const MergeOptions& options,
                  TranslationMemory* memory);

}  // namespace dilmanc
