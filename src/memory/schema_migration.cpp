#include "memory/schema_migration.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

#include "dilmanc/error.h"
#include "dilmanc/messages.h"

namespace dilmanc::memory {
namespace {

Error::Location in_file(const sql::Database& db) {
  Error::Location where;
  where.file = db.path();
  return where;
}

int user_version(sql::Database& db) {
  sql::Statement s(db, "PRAGMA user_version");
  s.step();
  return static_cast<int>(s.int64(0));
}

[[noreturn]] void not_a_memory(const sql::Database& db) {
  ThrowInput(tr("this file is not a dilmanc translation memory"), in_file(db));
}

void check_is_memory(sql::Database& db) {
  sql::Statement s(db, "SELECT value FROM meta WHERE key = 'format'");
  if (!s.step() || s.text(0) != "dilmanc-memory") not_a_memory(db);
}

[[noreturn]] void newer_version(const sql::Database& db, int version, int current) {
  ThrowInput(trf("the memory has schema version {1}; this dilmanc reads up to version {2}", version, current),
             in_file(db));
}

[[noreturn]] void backup_failed(const std::string& file, const std::string& cause) {
  Error::Location where;
  where.file = file;
  ThrowIo(trf("cannot make the backup copy of the memory: {1}", cause), where);
}

// A copy of the memory as last committed, under a name no file has yet. `db` holds the
// write lock, so nothing changes meanwhile; the copy is read through a second connection
// (WAL lets a reader in beside the writer; SQLite's backup cannot read through the
// connection that holds the lock). Written under a temporary name and then linked to its
// final one, so that a kill never leaves half a backup under a backup's name, and link()
// refuses to replace an existing file where rename() would not.
std::string back_up(sql::Database& db, int version) {
  const std::string base = db.path() + ".v" + std::to_string(version);
  const std::string temp = base + ".bak-partial";
  std::error_code ignored;
  // Left by a process killed while copying; the write lock we hold keeps others out.
  std::filesystem::remove(temp, ignored);
  std::filesystem::remove(temp + "-journal", ignored);
  {
    sql::Database source(db.path(), false);
    sqlite3_busy_timeout(source.handle(), 60000);
    sql::Database target(temp, true);
    sqlite3_backup* backup = sqlite3_backup_init(target.handle(), "main", source.handle(), "main");
    if (!backup) backup_failed(temp, sqlite3_errmsg(target.handle()));
    const int step = sqlite3_backup_step(backup, -1);
    const int finish = sqlite3_backup_finish(backup);
    if (step != SQLITE_DONE || finish != SQLITE_OK) {
      const std::string cause = sqlite3_errstr(step != SQLITE_DONE ? step : finish);
      std::filesystem::remove(temp, ignored);
      backup_failed(temp, cause);
    }
  }
  for (int n = 1;; ++n) {
    std::string name = base;
    if (n > 1) name += '.' + std::to_string(n);  // (GCC 12 warns falsely on a "." + string temporary)
    name += ".bak";
    if (::link(temp.c_str(), name.c_str()) == 0) {
      ::unlink(temp.c_str());
      // The new name must outlive a power cut that the migration's commit survives.
      const std::string folder = std::filesystem::path(name).parent_path().string();
      if (int fd = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); fd >= 0) {
        ::fsync(fd);
        ::close(fd);
      }
      return name;
    }
    if (errno != EEXIST) {
      const std::string cause = std::strerror(errno);
      ::unlink(temp.c_str());
      backup_failed(name, cause);
    }
  }
}

// Two processes that create one memory at once race to switch it to WAL, and SQLite
// refuses the one that loses at once (waiting could deadlock) rather than calling the
// busy handler: the switch is tried again while the other finishes, for up to a minute.
void use_wal(sql::Database& db) {
  for (int attempt = 0;; ++attempt) {
    const int rc = sqlite3_exec(db.handle(), "PRAGMA journal_mode = WAL", nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) return;
    if ((rc & 0xFF) != SQLITE_BUSY && (rc & 0xFF) != SQLITE_LOCKED) db.fail(rc);
    if (attempt >= 3000) db.fail(rc);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

void migrate_schema(sql::Database& db, std::span<const char* const> steps,
                    const std::function<void(const std::string&)>& notice) {
  const int current = static_cast<int>(steps.size());
  int version = user_version(db);
  if (version > current) newer_version(db, version, current);
  if (version == current) {
    check_is_memory(db);
    use_wal(db);
    return;
  }
  use_wal(db);
  sql::Transaction tx(db);
  version = user_version(db);  // another process may have migrated meanwhile
  if (version > current) newer_version(db, version, current);
  if (version == current) {
    check_is_memory(db);
    return;
  }
  if (version == 0) {
    sql::Statement tables(db, "SELECT count(*) FROM sqlite_schema");
    tables.step();
    if (tables.int64(0) != 0) not_a_memory(db);
  } else {
    check_is_memory(db);
    const std::string backup = back_up(db, version);
    if (notice)
      notice(Error::Describe(trf("the memory has schema version {1}; it is upgraded to version {2}, and the file "
                                 "as it was is kept in {3}",
                                 version, current, backup),
                             in_file(db)));
  }
  for (int v = version; v < current; ++v) db.exec(steps[v]);
  db.exec(("PRAGMA user_version = " + std::to_string(current)).c_str());
  tx.commit();
}

}  // namespace dilmanc::memory
