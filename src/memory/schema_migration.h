// Opening a memory file: creating the schema in a new one, upgrading an older one after a
// backup copy. Internal to src/memory (and its tests).
#pragma once

#include <functional>
#include <span>
#include <string>

#include "memory/sqlite.h"

namespace dilmanc::memory {

// The steps of the memory's schema (translation_memory.cpp): step k takes version k to
// k + 1, step 0 creates the first version; the current version is their number.
std::span<const char* const> schema_steps();

// Brings the memory open in `db` to version steps.size() and WAL mode. An empty file gets
// the schema. A file of an older version is first copied as it was last committed to
// "<file>.v<old>.bak" ("<file>.v<old>.<n>.bak" when that name is taken: no backup is ever
// overwritten), `notice` gets a message for the user naming the copy, and then every step
// runs in one transaction. Concurrent openers: one migrates, the others find it done.
// Throws Error(kInput) for a file that is not a memory or has a newer version, Error(kIo)
// when the copy or a step fails; the memory is then as it was.
void migrate_schema(sql::Database& db, std::span<const char* const> steps,
                    const std::function<void(const std::string&)>& notice);

}  // namespace dilmanc::memory
