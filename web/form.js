// Shows the order form's errors: the page's own checks (order-types.js) and the server's, each next
// to the input of the field it names.

import { inputIdFor } from './order-types.js';

/** Shows each error under its field's input (or the form's general line), marks the inputs invalid and focuses the first. */
export function showErrors(form, errors) {
  clearErrors(form);
  const inputs = [];
  for (const [field, message] of Object.entries(errors)) {
    const id = inputIdFor(form, field);
    const slot = (id && form.querySelector(`#${id}-error`)) || form.querySelector('#form-error');
    slot.textContent = message;
    const input = id ? form.querySelector(`#${id}`) : null;
    input?.setAttribute('aria-invalid', 'true');
    if (input) inputs.push(input);
  }
  inputs[0]?.focus?.();
}

export function clearErrors(form) {
  for (const slot of form.querySelectorAll('.field-error')) slot.textContent = '';
  for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
}
