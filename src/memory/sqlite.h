// A small RAII layer over the SQLite C API, used only inside src/memory: a connection, a
// prepared statement with typed binds and columns, and a transaction guard. Errors become
// dilmanc::Error (kIo for the file system and locking, kInput for a file that is not a
// memory) naming the database file.
//
// Not thread-safe: one Database and its statements belong to one thread at a time.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dilmanc::sql {

class Database {
 public:
  // Opens (creating when `create` is set) the database at `path`. Throws Error(kIo).
  Database(const std::string& path, bool create);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Closes the connection and opens the same file again (never creating it): drops every
  // per-connection cache. Statements of this connection must be finalized first.
  // Throws Error(kIo).
  void reopen();

  // Runs one or more statements without results. Throws Error(kIo).
  void exec(const char* sql);
  // Throws Error(kIo) naming the file with SQLite's message for `rc`.
  [[noreturn]] void fail(int rc) const;

  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }
  std::int64_t last_insert_id() const { return sqlite3_last_insert_rowid(db_); }
  int changes() const { return sqlite3_changes(db_); }

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

class Statement {
 public:
  Statement(Database& db, const char* sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Binds are 1-based like SQLite's; text is copied (SQLITE_TRANSIENT).
  Statement& bind(int i, std::int64_t v);
  Statement& bind(int i, int v) { return bind(i, static_cast<std::int64_t>(v)); }
  Statement& bind(int i, std::string_view v);
  Statement& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  Statement& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  Statement& bind_null(int i);
  // Binds the bytes as a BLOB (copied).
  Statement& bind_blob(int i, std::string_view bytes);
  // Binds NULL for an empty string.
  Statement& bind_text_or_null(int i, std::string_view v);
  Statement& bind_optional(int i, const std::optional<std::int64_t>& v);
  // Bind without copying (SQLITE_STATIC): the caller keeps the bytes alive and unchanged
  // until the statement is reset (run() and reset() do it; a failed step() too), which
  // also clears the binding. For the rows a bulk import writes, where the copy was a
  // malloc, a memcpy and a free per value.
  Statement& bind_view(int i, std::string_view v);
  Statement& bind_view_or_null(int i, std::string_view v);
  Statement& bind_blob_view(int i, std::string_view bytes);

  // Advances; true while a row is available. Throws Error(kIo).
  bool step();
  // Steps a statement that returns no rows, then resets it.
  void run();
  // Resets for reuse and clears the bindings.
  void reset();

  std::int64_t int64(int col) const { return sqlite3_column_int64(stmt_, col); }
  bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::string text(int col) const;
  std::string blob(int col) const;
  std::optional<std::int64_t> optional_int64(int col) const;

 private:
  Database& db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// Writes rows into one table many to a statement ("INSERT INTO t(a, b) VALUES (?, ?), (?, ?)
// ..."). For the rows of a bulk write, one statement per row cost as much again as the
// inserts themselves: the statement's start and end, and a cursor opened and closed per row.
//
// The values are copied into buffers of this object, reused from row to row, so the caller's
// bytes need not outlive the call. Rows go to SQLite when `rows_per_statement` of them wait,
// and at flush(), in one statement each time: all of them or none. A statement that fails
// throws as Statement's do and keeps its rows waiting: the next value added or the next
// flush() tries it again (a commit tried again after a full disk, say), unless discard()
// drops them. Rows still waiting when the object is destroyed are dropped, never written
// late.
class BulkInsert {
 public:
  // `verb`: "INSERT", or "INSERT OR REPLACE" and the like.
  BulkInsert(Database& db, std::string_view table, std::initializer_list<std::string_view> columns,
             int rows_per_statement = 64, std::string_view verb = "INSERT");
  BulkInsert(const BulkInsert&) = delete;
  BulkInsert& operator=(const BulkInsert&) = delete;

  // The next value of the row being made, in the order of `columns`.
  BulkInsert& add(std::int64_t v);
  BulkInsert& add_text(std::string_view v);
  BulkInsert& add_blob(std::string_view bytes);
  BulkInsert& add_null();
  // NULL for an empty string or no value.
  BulkInsert& add_text_or_null(std::string_view v) { return v.empty() ? add_null() : add_text(v); }
  BulkInsert& add_optional(const std::optional<std::int64_t>& v) { return v ? add(*v) : add_null(); }
  // Ends a row of exactly as many values as columns (std::logic_error otherwise: a bug).
  void end_row();
  // Writes every row waiting, in one statement. A row begun but not ended is a bug
  // (std::logic_error).
  void flush();
  std::size_t rows_waiting() const { return rows_; }
  // Drops the rows waiting and the row being made, unwritten.
  void discard() { rows_ = in_row_ = 0; }

 private:
  struct Value {
    enum class Kind { kInt, kText, kBlob, kNull } kind = Kind::kInt;
    std::int64_t number = 0;
    std::string bytes;
  };
  BulkInsert& next(Value::Kind kind);
  void write_rows();
  void bind_row(Statement& statement, int first_parameter, std::size_t row);

  Database& db_;
  std::string head_;               // "INSERT INTO t(a, b)"
  std::string row_;                // "(?, ?)"
  std::size_t columns_;
  std::size_t rows_per_statement_;
  Statement many_;
  std::vector<std::unique_ptr<Statement>> fewer_;  // by row count, prepared when first needed
  std::vector<Value> values_;  // rows_per_statement_ rows of columns_ values
  std::size_t rows_ = 0;       // complete rows waiting
  std::size_t in_row_ = 0;     // values of the row being made
};

// BEGIN IMMEDIATE on construction (so concurrent writers queue on the busy timeout rather
// than deadlock on a read-to-write upgrade); ROLLBACK on destruction unless committed.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Database& db_;
  bool open_ = true;
};

}  // namespace dilmanc::sql
