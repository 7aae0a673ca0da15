// The page's lists: developers (by display name), repositories, top modules. Each row carries
// `data-k`/`data-v` so an update can flash the rows whose numbers changed.
import { bar, esc, num } from './svg-kit.js';

/**
 * What a person should read for a developer: the name the answer gives (commit author's
 * name), else the login, else the id without its `email:` prefix (never a raw id).
 */
export function displayName(dev) {
  const name = dev.name && dev.name !== dev.devId ? dev.name : dev.login || dev.devId;
  return String(name).replace(/^email:/, '');
}

/** `<tr>`s of the developers table, most commits first (the answer's order). */
export function developerRows(devs) {
  return devs
    .map((d) => {
      // No per-row chart: 700 rows of SVG cost more to lay out than the rest of the page.
      const name = displayName(d);
      const login =
        d.login && d.login !== name ? `<span class="login">@${esc(d.login)}</span>` : '';
      return `<tr data-k="dev:${esc(d.devId)}" data-v="${d.commits}:${d.activityIndex}"><td>${esc(name)}${login}</td><td class="num">${num(d.commits)}</td><td class="num">${num(d.activeDays)}</td><td class="num">${num(d.filesChanged)}</td><td class="num">${d.activityIndex}</td></tr>`;
    })
    .join('');
}

/** `<tr>`s of the repositories table. */
export function repoRows(repos) {
  return repos
    .map(
      (r) =>
        `<tr data-k="repo:${esc(r.repoId)}" data-v="${r.commits}"><td>${esc(r.name || r.repoId)}</td><td class="num">${num(r.commits)}</td><td class="num">${num(r.developers)}</td><td class="num">${num(r.filesChanged)}</td></tr>`,
    )
    .join('');
}

/** `<li>`s of the top modules, named `repository/module`, with bars relative to the first. */
export function moduleItems(modules, repoNames) {
  const max = Math.max(1, ...modules.map((m) => m.commits));
  return modules
    .map((m) => {
      const name = `${repoNames.get(m.repoId) ?? m.repoId} · ${m.module}`;
      return `<li data-k="mod:${esc(m.repoId)}:${esc(m.module)}" data-v="${m.commits}"><span class="name" title="${esc(name)}">${esc(name)}</span><span class="num">${num(m.commits)}</span>${bar(m.commits / max, '#1a7f37')}</li>`;
    })
    .join('');
}

/** The activity index in words (see gateway/dashboard/activity-index.ts). */
export function activityHelp(to) {
  return (
    `A 0–100 score for the 7 UTC days ending on ${to}: the mean of three shares — ` +
    `commits ÷ the org's top committer's commits, active days ÷ 7, and modules touched ÷ ` +
    `the most modules anyone touched. 100 means as many commits and modules as anyone in ` +
    `the org, and active every day. It is relative: it compares people within this org.`
  );
}
