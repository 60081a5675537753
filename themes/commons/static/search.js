// commons: the search page. Loads Pagefind's script and index from this
// site's pagefind/ folder (made by every build), and draws the results.
// search.js sits at the root of the site, so the index is found beside it
// whether the site lives at a host's root, under a sub-path, or was built
// with relative addresses.

const form = document.getElementById("search-form");
const input = document.getElementById("search-query");
const sortSelect = document.getElementById("search-sort");
const filterBox = document.getElementById("search-filters");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const more = document.getElementById("search-more");

const PER_PAGE = 10;
const lang = document.documentElement.lang || undefined;

let loading = null;
let shown = [];
let results = [];
let generation = 0;
let timer = 0;

/** Pagefind, loaded and started once, however many searches ask at the same time. */
function load() {
  loading ??= (async () => {
    const pagefind = await import(new URL("pagefind/pagefind.js", import.meta.url).href);
    // No web worker: it would be one more script to fetch, for a search
    // that takes milliseconds.
    await pagefind.options({ excerptLength: 30, noWorker: true });
    await pagefind.init();
    return pagefind;
  })();
  return loading;
}

/** The filters and the order as the address gives them (a shared search). */
function applyParams(params) {
  for (const select of filterBox.querySelectorAll("select[data-filter]")) {
    const wanted = params.get(select.dataset.filter);
    if ([...select.options].some((o) => o.value === wanted)) select.value = wanted;
  }
  sortSelect.value = params.get("sort") === "date" ? "date" : "";
  filterBox.hidden = false;
}

function chosenFilters() {
  const filters = {};
  for (const select of filterBox.querySelectorAll("select[data-filter]")) {
    if (select.value) filters[select.dataset.filter] = select.value;
  }
  return filters;
}

/** Keeps the query in the address, so a search can be bookmarked or shared. */
function remember(query, filters) {
  const params = new URLSearchParams();
  if (query) params.set("q", query);
  for (const [key, value] of Object.entries(filters)) params.set(key, value);
  if (sortSelect.value) params.set("sort", sortSelect.value);
  const search = params.toString();
  history.replaceState(null, "", search ? `?${search}` : location.pathname);
}

async function run() {
  const mine = ++generation;
  const query = input.value.trim();
  const filters = chosenFilters();
  remember(query, filters);
  if (!query && Object.keys(filters).length === 0) {
    list.replaceChildren();
    more.hidden = true;
    status.textContent = "";
    return;
  }
  const pf = await load();
  const options = { filters };
  if (sortSelect.value === "date") options.sort = { date: "desc" };
  const found = await pf.search(query || null, options);
  if (mine !== generation || !found) return;
  results = found.results;
  shown = [];
  list.replaceChildren();
  const what = query ? words("for", { query }) : "";
  const count = results.length === 0 ? "none" : results.length === 1 ? "one" : "other";
  status.textContent = words(count, { n: results.length, for: what });
  await showMore(mine);
}

async function showMore(mine) {
  const next = results.slice(shown.length, shown.length + PER_PAGE);
  const data = await Promise.all(next.map((r) => r.data()));
  if (mine !== generation) return;
  for (const item of data) {
    list.append(resultItem(item));
    shown.push(item);
  }
  more.hidden = shown.length >= results.length;
}

/**
 * The page's words for `key` (the status line's `data-*`, written by the
 * theme in the page's language), with `{name}` filled from `values`.
 */
function words(key, values) {
  const text = status.dataset[key] || "";
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

/** A date as the theme writes dates on its pages: day, month's name, year. */
function longDate(day) {
  const date = new Date(`${day}T12:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  const month = date.toLocaleDateString(lang, { month: "long", timeZone: "UTC" });
  return `${date.getUTCDate()} ${month} ${date.getUTCFullYear()}`;
}

/** One result: title (a link), section, date, branch and the excerpt. */
function resultItem(item) {
  const li = document.createElement("li");
  li.className = "search-result";
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = item.url;
  link.textContent = item.meta.title || item.url;
  heading.append(link);
  li.append(heading);
  const facts = document.createElement("p");
  facts.className = "meta";
  const parts = [];
  if (item.meta.section) parts.push(document.createTextNode(item.meta.section));
  if (item.meta.date) {
    const time = document.createElement("time");
    time.dateTime = item.meta.date;
    time.textContent = longDate(item.meta.date);
    parts.push(time);
  }
  if (item.meta.branch) {
    const by = document.createElement("span");
    by.className = "search-branch";
    by.textContent = words("by", { branch: item.meta.branch });
    parts.push(by);
  }
  parts.forEach((part, i) => {
    if (i > 0) facts.append(" · ");
    facts.append(part);
  });
  if (parts.length) li.append(facts);
  const excerpt = document.createElement("p");
  excerpt.className = "search-excerpt";
  // Pagefind escapes the page text and adds only <mark> around the words found.
  excerpt.innerHTML = item.excerpt;
  li.append(excerpt);
  return li;
}

/** Says so when the script or the index could not be loaded. */
function failed(error) {
  status.textContent = words("failed", {});
  console.error(error);
}

function search() {
  clearTimeout(timer);
  run().catch(failed);
}

function later() {
  clearTimeout(timer);
  timer = setTimeout(search, 200);
}

const params = new URLSearchParams(location.search);
form.hidden = false;
input.value = params.get("q") || "";
form.addEventListener("submit", (event) => {
  event.preventDefault();
  search();
});
input.addEventListener("input", later);
filterBox.addEventListener("change", search);
more.addEventListener("click", () => showMore(generation).catch(failed));
applyParams(params);
search();
