// Go workload: go-sqlite3 (SQLite's C through cgo, one cgo call per step and per column) under a
// mixed load: batched inserts in transactions, indexed point lookups, a range scan with an
// aggregate, updates and deletes. Prints what the queries computed, which every build must print
// alike.
package main

import (
	"database/sql"
	"fmt"
	"os"
	"strconv"

	_ "github.com/mattn/go-sqlite3"
)

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func main() {
	rows := 200000
	if len(os.Args) > 1 {
		rows, _ = strconv.Atoi(os.Args[1])
	}
	db, err := sql.Open("sqlite3", "file::memory:?cache=shared")
	must(err)
	defer db.Close()
	db.SetMaxOpenConns(1)
	_, err = db.Exec(`CREATE TABLE t(id INTEGER PRIMARY KEY, k INTEGER, name TEXT, score REAL);
		CREATE INDEX t_k ON t(k)`)
	must(err)

	x := uint32(12345)
	next := func() uint32 { x = x*1664525 + 1013904223; return x }
	for start := 0; start < rows; start += 1000 {
		tx, err := db.Begin()
		must(err)
		insert, err := tx.Prepare("INSERT INTO t(id, k, name, score) VALUES(?, ?, ?, ?)")
		must(err)
		for i := start; i < start+1000 && i < rows; i++ {
			v := next()
			_, err = insert.Exec(i, v%uint32(rows), "name-"+strconv.Itoa(int(v>>8)), float64(v%1000)/7)
			must(err)
		}
		must(insert.Close())
		must(tx.Commit())
	}

	lookup, err := db.Prepare("SELECT name, score FROM t WHERE k = ?")
	must(err)
	var found, nameBytes int
	var scores float64
	for i := 0; i < rows/2; i++ {
		r, err := lookup.Query(next() % uint32(rows))
		must(err)
		for r.Next() {
			var name string
			var score float64
			must(r.Scan(&name, &score))
			found++
			nameBytes += len(name)
			scores += score
		}
		must(r.Err())
		must(r.Close())
	}

	var count int
	var sum float64
	must(db.QueryRow("SELECT count(*), total(score) FROM t WHERE k BETWEEN ? AND ?", rows/4, rows/2).Scan(&count, &sum))
	res, err := db.Exec("UPDATE t SET score = score * 2 WHERE k % 7 = 0")
	must(err)
	updated, _ := res.RowsAffected()
	res, err = db.Exec("DELETE FROM t WHERE k % 11 = 0")
	must(err)
	deleted, _ := res.RowsAffected()
	fmt.Printf("found %d (%d name bytes, score %.1f); range %d %.1f; updated %d deleted %d\n",
		found, nameBytes, scores, count, sum, updated, deleted)
}
