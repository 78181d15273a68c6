// Site search: reads the static index in search/ (its format is described in
// briefing/search.py) and lists the pages that hold every word typed, best first.
// Titles and summaries are untrusted text: the DOM is built with createElement and
// textContent only, never innerHTML. No external resources, no eval.
(() => {
  "use strict";

  const form = document.getElementById("search-form");
  if (!form || !window.fetch || !window.URL) return;
  const input = document.getElementById("search-q");
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  const more = document.getElementById("search-more");
  // The index lives in <site>/search/; data-index is relative to this page, so the site
  // can be published under any folder.
  const indexUrl = new URL(form.dataset.index, document.baseURI);
  const siteRoot = new URL("../", indexUrl);

  const PAGE = 20; // results shown at a time
  const DEBOUNCE_MS = 150;
  const MAX_EXPANSIONS = 200; // terms a prefix may stand for
  // The same steps as briefing/search.py's normalise() and tokens().
  const MARKS = /[\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7\u064b-\u065f\u0670\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;
  const WORD = /[\p{L}\p{N}]{2,}/gu;
  const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];

  const files = new Map(); // path -> Promise of its parsed JSON
  const shards = new Map(); // shard key -> Promise of its decoded postings
  let latest = 0; // only the newest search may change the page
  let shown = { results: [], manifest: null }; // the current results

  function load(path) {
    let promise = files.get(path);
    if (!promise) {
      // no-cache: revalidate, so a rebuilt site never mixes old and new index files.
      promise = fetch(new URL(path, indexUrl), { cache: "no-cache" }).then((response) => {
        if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
        return response.json();
      });
      promise.catch(() => files.delete(path)); // try again next time
      files.set(path, promise);
    }
    return promise;
  }

  function normalise(text) {
    // Python's casefold() also folds these two; NFKD has already split ligatures.
    return text.normalize("NFKD").toLowerCase().replace(MARKS, "").replace(/ß/g, "ss").replace(/ς/g, "σ");
  }

  function codePoints(text) {
    return Array.from(text);
  }

  // The query's words, and its terms: the words that are not stopwords (the last word is
  // kept, as a prefix, while it is still being typed).
  function parse(query, manifest) {
    const text = normalise(query);
    const stopwords = new Set(manifest.stopwords);
    const words = Array.from(text.matchAll(WORD));
    const terms = [];
    words.forEach((match, i) => {
      let term = match[0];
      const truncated = codePoints(term).length > manifest.max_term;
      if (truncated) term = codePoints(term).slice(0, manifest.max_term).join("");
      const prefix = i === words.length - 1 && !truncated && match.index + term.length === text.length;
      if (prefix || !stopwords.has(term)) terms.push({ term, prefix });
    });
    return { words: words.length, terms };
  }

  function decode(shard) {
    const binary = atob(shard.postings);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    const view = new DataView(bytes.buffer);
    const terms = new Map();
    let offset = 0;
    shard.terms.forEach((term, i) => {
      terms.set(term, { offset, length: shard.lengths[i] });
      offset += shard.lengths[i];
    });
    return { view, terms };
  }

  function shardFile(key) {
    const name = /^[a-z0-9]+$/.test(key) ? key : "_" + codePoints(key).map((c) => c.codePointAt(0).toString(16)).join("-");
    return `terms/${name}.json`;
  }

  function loadShard(key) {
    let promise = shards.get(key);
    if (!promise) {
      promise = load(shardFile(key)).then(decode);
      promise.catch(() => shards.delete(key));
      shards.set(key, promise);
    }
    return promise;
  }

  // The shard a term lives in: the longest key that is a prefix of it. A prefix also needs
  // the keys that extend it (when there are few enough to be worth fetching).
  function shardsFor(term, prefix, keys) {
    const points = codePoints(term);
    const wanted = [];
    for (let n = points.length; n >= 2; n--) {
      const key = points.slice(0, n).join("");
      if (keys.has(key)) {
        wanted.push(key);
        break;
      }
    }
    if (prefix) {
      const longer = [];
      keys.forEach((key) => {
        if (key.length > term.length && key.startsWith(term)) longer.push(key);
      });
      if (longer.length <= 8 || points.length >= 3) wanted.push(...longer);
    }
    return wanted;
  }

  // doc id -> score for one query term: log2(1 + weight) × ln(1 + N / df), the best
  // matching term's score when a prefix stands for several.
  async function scores(query, documents, keys) {
    const decoded = await Promise.all(shardsFor(query.term, query.prefix, keys).map(loadShard));
    const result = new Map();
    let expansions = 0;
    for (const { view, terms } of decoded) {
      for (const [term, { offset, length }] of terms) {
        const exact = term === query.term;
        if (!exact && !(query.prefix && term.startsWith(query.term))) continue;
        if (!exact && ++expansions > MAX_EXPANSIONS) continue;
        const idf = Math.log(1 + documents / length) * (exact ? 1 : 0.8);
        for (let i = 0; i < length; i++) {
          const packed = view.getUint32((offset + i) * 4, true);
          const id = Math.floor(packed / 256);
          const score = Math.log2(1 + (packed % 256)) * idf;
          if (!(result.get(id) >= score)) result.set(id, score);
        }
      }
    }
    return result;
  }

  // Every document that holds all the terms, best first: [[id, score], ...].
  async function search(terms, manifest) {
    const keys = new Set(manifest.shards);
    const maps = await Promise.all(terms.map((term) => scores(term, manifest.documents, keys)));
    maps.sort((a, b) => a.size - b.size);
    const [first, ...others] = maps;
    const results = [];
    for (const [id, score] of first) {
      let total = score;
      for (const other of others) {
        const more = other.get(id);
        if (more === undefined) {
          total = -1;
          break;
        }
        total += more;
      }
      if (total >= 0) results.push([id, total]);
    }
    return results.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  }

  function longDate(iso) {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    if (!match || +match[2] < 1 || +match[2] > 12) return "";
    return `${+match[3]} ${MONTHS[+match[2] - 1]} ${match[1]}`;
  }

  // A result's link, only to a page of this site.
  function pageUrl(path) {
    try {
      const url = new URL(path, siteRoot);
      return url.href.startsWith(siteRoot.href) ? url.href : null;
    } catch {
      return null;
    }
  }

  function item(entry) {
    if (!Array.isArray(entry)) return null;
    const [path, title, summary, date] = entry.map((value) => (typeof value === "string" ? value : ""));
    const href = pageUrl(path);
    if (!href) return null;
    const li = document.createElement("li");
    const link = document.createElement("a");
    link.href = href;
    link.textContent = title || path;
    li.append(link);
    const day = longDate(date);
    if (day) {
      const meta = document.createElement("p");
      meta.className = "result-date";
      const time = document.createElement("time");
      time.dateTime = date;
      time.textContent = day;
      meta.append(time);
      li.append(meta);
    }
    if (summary) {
      const text = document.createElement("p");
      text.className = "result-summary";
      text.textContent = summary;
      li.append(text);
    }
    return li;
  }

  function say(text) {
    status.textContent = text;
  }

  function plural(count) {
    return count === 1 ? "1 result" : `${count.toLocaleString("en")} results`;
  }

  // The next PAGE results' list items (their metadata fetched as needed).
  async function items(results, start, manifest) {
    const ids = results.slice(start, start + PAGE).map(([id]) => id);
    const chunks = await Promise.all(ids.map((id) => load(`docs/${Math.floor(id / 2 ** manifest.chunk_bits)}.json`)));
    return ids.map((id, i) => item(chunks[i][String(id)])).filter(Boolean);
  }

  function show(results, start, added) {
    if (start === 0) list.replaceChildren();
    list.append(...added);
    more.hidden = start + PAGE >= results.length || added.length === 0;
  }

  async function run(raw) {
    const query = raw.trim();
    const ticket = ++latest;
    try {
      const manifest = query ? await load("manifest.json") : null;
      // The raw text: a space after the last word means it is complete, not a prefix.
      const { words, terms } = query ? parse(raw, manifest) : { words: 0, terms: [] };
      const results = terms.length ? await search(terms, manifest) : [];
      const added = results.length ? await items(results, 0, manifest) : [];
      if (ticket !== latest) return; // a newer search has started
      shown = { results, manifest };
      show(results, 0, added);
      if (!query) say("");
      else if (!words) say("Type a word of two letters or more.");
      else if (!terms.length) say(`“${query}” is too common to search for: add another word.`);
      else say(results.length ? `${plural(results.length)} for “${query}”` : `No results for “${query}”`);
    } catch (error) {
      if (ticket !== latest) return;
      show([], 0, []);
      say("Search is not available: its index could not be loaded.");
      console.error(error);
    }
  }

  async function showMore() {
    const ticket = latest;
    const { results, manifest } = shown;
    const start = list.children.length;
    const added = await items(results, start, manifest);
    if (ticket !== latest) return;
    show(results, start, added);
    if (added.length) added[0].querySelector("a").focus(); // the keyboard carries on from here
  }

  function remember(query) {
    const url = new URL(window.location.href);
    if (query.trim()) url.searchParams.set("q", query);
    else url.searchParams.delete("q");
    window.history.replaceState(null, "", url);
  }

  let timer = 0;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      remember(input.value);
      run(input.value);
    }, DEBOUNCE_MS);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    remember(input.value);
    run(input.value);
  });
  more.addEventListener("click", showMore);

  form.hidden = false;
  const initial = new URLSearchParams(window.location.search).get("q");
  if (initial) {
    input.value = initial;
    run(initial);
  }
})();
