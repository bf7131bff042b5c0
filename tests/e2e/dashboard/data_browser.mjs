// The data browser as an admin works it: classes created with its dialog, grid cells found by row and
// column name and edited by double-click, typing and Enter (each save awaited on the server's answer),
// the Filter popover.

/** Goes to the dashboard's `path` with CSS animations and transitions cut to zero: each dialog and
 * drop-down otherwise moves for most of a second, and clicks wait for it to stand still. */
export async function openPage(ctx, path) {
  await ctx.page.goto(ctx.url(path));
  await ctx.page.addStyleTag({ content: `*, *::before, *::after { animation-duration: 0s !important;
    animation-delay: 0s !important; transition-duration: 0s !important; transition-delay: 0s !important; }` });
}

/** The sidebar's "Create a class" dialog makes `className`; waits for its empty data browser. */
export async function createClassInBrowser(ctx, className) {
  const { page } = ctx;
  await openPage(ctx, 'browser');
  await page.getByText('Create a class').click();
  await page.getByPlaceholder('Give it a good name...').fill(className);
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.getByText(className, { exact: true }).first().waitFor();
  await page.getByText('No data to display').waitFor();
}

/** The grid's rows (the editable "Add Row" row first while it is open), in display order. */
export function gridRows(page) {
  return page.locator('#browser-table span:has(> input[type=checkbox])').locator('xpath=..');
}

/** The grid row showing `objectId`. */
export function gridRow(page, objectId) {
  return gridRows(page).filter({ has: page.getByText(objectId, { exact: true }) });
}

/** The column names of the grid's header, in display order (the check box column is ''). */
export async function columnNames(page) {
  return page.locator('#browser-table > div:first-child > div').evaluateAll(
    (headers) => headers.map((header) => header.querySelector(':scope > div > div')?.textContent || ''));
}

/** The cell of `row` (a gridRow locator) under the column `column`, scrolled to the grid's middle (at its
 * left edge the sticky check box column would take the clicks). */
export async function cell(page, row, column) {
  const index = (await columnNames(page)).indexOf(column);
  if (index < 0) throw new Error(`the grid has no column ${column}`);
  const found = row.locator('> span').nth(index);
  await found.evaluate((element) => element.scrollIntoView({ block: 'nearest', inline: 'center' }));
  return found;
}

/** The server's next answer to `method` on a path ending in `pathEnd` (the Parse SDK's POSTs carrying
 * `_method` count as that method). Its rejection is also caught, so a step that fails before awaiting it
 * fails alone instead of ending the run. */
export function answered(page, method, pathEnd) {
  const answer = page.waitForResponse((response) => {
    const request = response.request();
    const override = /"_method":"([A-Z]+)"/.exec(request.postData() || '');
    return new URL(response.url()).pathname.endsWith(pathEnd) && (override ? override[1] : request.method()) === method;
  });
  answer.catch(() => {});
  return answer;
}

/** Runs `action` and waits for the server's answer to the write it causes (on the class, /users, /batch). */
export async function saved(page, className, action) {
  const paths = [`/classes/${className}`, '/batch', ...(className === '_User' ? ['/users'] : [])];
  const answer = page.waitForResponse((response) => {
    const { pathname } = new URL(response.url());
    const request = response.request();
    return paths.some((path) => pathname.includes(path))
      && request.method() === 'POST' && !(request.postData() || '').includes('"_method":"GET"');
  });
  answer.catch(() => {});  // awaited below unless `action` throws
  await action();
  return answer;
}

/** Double-clicks the cell, replaces its text with `text` and presses Enter. */
export async function typeInto(page, row, column, text) {
  await (await cell(page, row, column)).dblclick();
  await page.keyboard.press('Control+A');
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

/** Double-clicks a GeoPoint cell, types the latitude, Tab, the longitude, and presses Enter. */
export async function typeGeoPoint(page, row, column, latitude, longitude) {
  await (await cell(page, row, column)).dblclick();
  for (const [index, value] of [latitude, longitude].entries()) {
    if (index) await page.keyboard.press('Tab');
    await page.keyboard.press('Control+A');
    await page.keyboard.type(String(value));
  }
  await page.keyboard.press('Enter');
}

/** Double-clicks a Boolean cell and flips its switch (False ↔ True); Enter keeps the value. */
export async function toggleCell(page, row, column) {
  await (await cell(page, row, column)).dblclick();
  const toggle = page.locator('div:has(> span:text-is("False")):has(> span:text-is("True"))');
  await toggle.locator('> span').nth(1).click();
  await page.keyboard.press('Enter');
}

/** Picks `option` in the open dialog's `index`th drop-down. */
export async function pickOption(page, index, option) {
  await page.locator('div[role=combobox]').nth(index).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

/** Ticks the row's check box, then the toolbar's Edit → "Delete this row" → Delete. */
export async function deleteRow(page, className, row) {
  await row.locator('input[type=checkbox]').check();
  await page.getByText('Edit', { exact: true }).click();
  await page.getByText('Delete this row', { exact: true }).click();
  await saved(page, className, () => page.getByRole('button', { name: 'Delete', exact: true }).click());
}

/** Scrolls the grid to its first column, or (toEnd) its last (for screenshots). */
export async function scrollGrid(page, toEnd = false) {
  await page.locator('#browser-table').evaluate((grid, end) => { grid.scrollLeft = end ? grid.scrollWidth : 0; }, toEnd);
}

/** The texts of the grid's `column` cells (objectId by default), in display order. */
export async function shownColumn(page, column = 'objectId') {
  const index = (await columnNames(page)).indexOf(column);
  if (index < 0) throw new Error(`the grid has no column ${column}`);
  return gridRows(page).evaluateAll(
    (rows, at) => rows.map((row) => row.querySelectorAll(':scope > span')[at].textContent), index);
}

/** The Filter popover's rows (class, field, condition, value). */
const FILTER_ROWS = 'xpath=.//div[div/input[@role="combobox"]]';

/** The toolbar's Filter popover ("Filtered" once filters apply), opened if it is not. */
export async function filterPopover(page) {
  const popover = page.locator('#browserFilterPopover');
  if (!(await popover.isVisible())) await page.getByText(/^Filter(ed)?$/).click();
  return popover;
}

/** Opens the toolbar's Filter popover and sets its filter row `index` (adding rows with "Add" as needed):
 * the field picked from the suggestions, the condition from its list, the value (if any) typed. */
export async function setFilter(page, index, field, condition, value) {
  const popover = await filterPopover(page);
  const filterRows = popover.locator(FILTER_ROWS);
  if ((await filterRows.count()) <= index) await popover.getByRole('button', { name: 'Add', exact: true }).click();
  const row = filterRows.nth(index);
  await row.locator('input[role=combobox]').nth(1).fill(field);
  await page.locator('li', { hasText: new RegExp(`^${field}$`) }).click();
  await row.locator('> div').nth(2).click();
  await page.getByText(condition, { exact: true }).click();
  if (value !== undefined) await row.locator('> input[type=text]').fill(value);
}

/** Removes the Filter popover's filter row `index` (its minus button). */
export async function removeFilter(page, index) {
  const popover = await filterPopover(page);
  await popover.locator(FILTER_ROWS).nth(index).locator('> button').click();
}

/** "Apply" in the Filter popover; answers the server's answer to the filtered find (or, for "unique", the
 * distinct aggregate). */
export async function applyFilters(page, className) {
  const answer = page.waitForResponse((response) => {
    const { pathname } = new URL(response.url());
    const body = response.request().postData() || '';
    return (pathname.endsWith(`/classes/${className}`) && /"where":\{"/.test(body) && !/"count":1/.test(body))
      || pathname.endsWith(`/aggregate/${className}`);
  });
  await page.locator('#browserFilterPopover').getByRole('button', { name: 'Apply', exact: true }).click();
  return answer;
}
