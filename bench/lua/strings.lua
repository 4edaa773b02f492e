-- String-heavy workload: builds, interns, formats, searches, rewrites and joins many short strings, so
-- most time goes to the string library (memcpy/memcmp/strlen-like loops over heap strings) and to
-- allocating and collecting string objects. Deterministic: prints checksums only.
-- Usage: lua strings.lua ROUNDS

local rounds = math.tointeger(tonumber(arg[1])) or 400

-- A small linear congruential generator, so every run (and every build) sees the same words.
local seed = 12345
local function next_random(n)
  seed = (seed * 1103515245 + 12345) % 2147483648
  return (seed >> 16) % n -- the low bits of an LCG have short periods
end

local syllables = { "ka", "lo", "mi", "ne", "so", "tar", "vel", "qui", "dra", "po", "zen", "ith" }
local function make_word()
  local parts = {}
  for i = 1, 2 + next_random(4) do
    parts[i] = syllables[1 + next_random(#syllables)]
  end
  return table.concat(parts)
end

-- FNV-1a over a string's bytes, kept in 32 bits.
local function hash(s, h)
  h = h or 2166136261
  for i = 1, #s, 7 do
    h = ((h ~ s:byte(i)) * 16777619) & 0xffffffff
  end
  return h
end

local total = 0
for round = 1, rounds do
  -- Build a text of sentences by repeated concatenation and string.format.
  local sentences = {}
  for i = 1, 400 do
    local w1, w2, w3 = make_word(), make_word(), make_word()
    sentences[i] = string.format("%s %s, the %s number %d of round %d.", w1:upper(), w2, w3, i, round)
  end
  local text = table.concat(sentences, " ")

  -- Count words through a pattern iterator and intern them as table keys.
  local counts, distinct = {}, 0
  for word in text:gmatch("%a+") do
    local key = word:lower()
    if not counts[key] then
      distinct = distinct + 1
      counts[key] = 0
    end
    counts[key] = counts[key] + 1
  end

  -- Rewrite: capitalise words, swap pairs, and replace digits.
  local rewritten = text:gsub("(%a)(%a*)", function(first, rest) return first:upper() .. rest end)
  rewritten = rewritten:gsub("(%a+) (%a+)", "%2 %1")
  rewritten = rewritten:gsub("%d", { ["0"] = "o", ["1"] = "i", ["5"] = "s" })

  -- Search, slice, reverse and repeat.
  local found, pos = 0, 1
  while true do
    local s, e = rewritten:find("Number", pos, true)
    if not s then break end
    found = found + 1
    pos = e + 1
  end
  local pieces = {}
  for i = 1, #rewritten - 40, 97 do
    pieces[#pieces + 1] = rewritten:sub(i, i + 40):reverse()
  end
  local joined = table.concat(pieces, "|"):rep(2)

  -- Build a string byte by byte through a growing buffer (the classic quadratic pattern, kept short).
  local acc = ""
  for i = 1, 600 do
    acc = acc .. string.char(97 + (i * 7) % 26)
  end

  local sorted = {}
  for k in pairs(counts) do sorted[#sorted + 1] = k end
  table.sort(sorted)

  total = hash(text, total) ~ hash(rewritten) ~ hash(joined) ~ hash(acc) ~ hash(table.concat(sorted, ","))
  total = (total + distinct + found) & 0xffffffff
  if round % 50 == 0 then
    print(string.format("round %d: distinct=%d found=%d length=%d checksum=%08x", round, distinct, found,
      #rewritten, total))
  end
end
print(string.format("final checksum=%08x", total))
