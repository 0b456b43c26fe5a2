/* The date picker of Flask-Admin (bootstrap-daterangepicker 1.3.22 on moment 2.9.4), made to read
 * as a Vietnamese office writes dates:
 *  - in Vietnamese pages, a moment locale "vi" (month and weekday names, the week from Monday);
 *    the picker's buttons and labels in the page's language, from the catalog (cchc_base.html);
 *  - the list filters' ISO formats shown as dd/mm/yyyy (the server reads both, admin/filters.py);
 *  - a date typed by hand is kept as typed until it is a whole valid date (no "Invalid date": the
 *    server refuses a wrong one next to its field), and the picker closes once it is whole, on
 *    Enter and when the field is left, so it never covers the button under it.
 * Loaded after Flask-Admin's base scripts (jQuery, moment); it wraps the plug-in when it is installed. */
(function ($, moment) {
  'use strict';
  if (!$ || !moment) { return; }
  // The page's language, from the script tag (Flask-Admin's <html> carries no lang attribute).
  var script = document.currentScript;
  var vietnamese = ((script && script.getAttribute('data-locale')) || 'vi').toLowerCase().indexOf('vi') === 0;

  if (vietnamese) {
    var months = [];
    var monthsShort = [];
    for (var m = 1; m <= 12; m++) { months.push('tháng ' + m); monthsShort.push('Th' + m); }
    moment.locale('vi', {
      months: months,
      monthsShort: monthsShort,
      weekdays: ['Chủ nhật', 'Thứ hai', 'Thứ ba', 'Thứ tư', 'Thứ năm', 'Thứ sáu', 'Thứ bảy'],
      weekdaysShort: ['CN', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7'],
      weekdaysMin: ['CN', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7'],
      longDateFormat: { LT: 'HH:mm', LTS: 'HH:mm:ss', L: 'DD/MM/YYYY', LL: 'D MMMM [năm] YYYY',
                        LLL: 'D MMMM [năm] YYYY LT', LLLL: 'dddd, D MMMM [năm] YYYY LT' },
      week: { dow: 1, doy: 4 }
    });
    moment.locale('vi');
  }

  var FORMATS = { 'YYYY-MM-DD': 'DD/MM/YYYY', 'YYYY-MM-DD HH:mm:ss': 'DD/MM/YYYY HH:mm' };
  var SEPARATOR = ' – ';

  // The picker's own words come translated from the template (data-* of the script tag).
  function labels() {
    var words = (script && script.dataset) || {};
    return {
      applyLabel: words.apply || 'Apply',
      cancelLabel: words.close || 'Cancel',
      fromLabel: words.from || 'From',
      toLabel: words.to || 'To',
      weekLabel: words.week || 'W',
      daysOfWeek: moment.weekdaysMin(),
      monthNames: moment.monthsShort(),
      firstDay: moment.localeData()._week.dow
    };
  }

  /* Whole, valid dates in the field: one, or two joined by the separator. */
  function wholeDates(text, picker) {
    var parts = picker.singleDatePicker ? [text] : text.split(picker.separator);
    if (parts.length !== (picker.singleDatePicker ? 1 : 2)) { return false; }
    return parts.every(function (part) { return moment(part.trim(), picker.format, true).isValid(); });
  }

  function keepTyping($input, picker) {
    $input.off('keyup.daterangepicker').on('keyup.daterangepicker', function (event) {
      if (event.keyCode === 13 || event.keyCode === 9) { return; }
      if (wholeDates($input.val(), picker)) {
        picker.updateFromControl();
        if (event.key && /^\d$/.test(event.key)) { picker.hide(); }
      }
    });
    // Opens upwards where the window has no room below the field (it would cover the form's buttons).
    $input.on('show.daterangepicker', function () {
      var below = window.innerHeight - $input[0].getBoundingClientRect().bottom;
      var drops = below < picker.container.outerHeight() + 16 ? 'up' : 'down';
      if (drops !== picker.drops) { picker.drops = drops; picker.move(); }
    });
    // Leaving the field (Tab or a click elsewhere) closes the picker; a click inside it does not.
    $input.on('blur.cchc', function () {
      window.setTimeout(function () {
        if (!picker.container.is(':hover') && !picker.container.has(document.activeElement).length) { picker.hide(); }
      }, 0);
    });
  }

  function wrap(original) {
    return function (options, callback) {
      options = $.extend({}, options || {});
      if (FORMATS[options.format]) {
        options.format = FORMATS[options.format];
        this.attr('data-date-format', options.format);
      }
      if (options.separator === ' to ') { options.separator = SEPARATOR; }
      options.locale = $.extend(labels(), options.locale || {});
      var result = original.call(this, options, callback);
      this.each(function () {
        var $input = $(this);
        var picker = $input.data('daterangepicker');
        if (picker && $input.is('input')) { keepTyping($input, picker); }
      });
      return result;
    };
  }

  // daterangepicker.js comes after this file on some pages and before it on others: wrap the
  // plug-in whenever it is installed.
  var wrapped = $.fn.daterangepicker ? wrap($.fn.daterangepicker) : undefined;
  Object.defineProperty($.fn, 'daterangepicker', {
    configurable: true,
    get: function () { return wrapped; },
    set: function (plugin) { wrapped = plugin ? wrap(plugin) : plugin; }
  });
}(window.jQuery, window.moment));
