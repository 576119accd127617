import { useId } from 'react';

/** A labelled select over plain string options. */
export function SelectField({
  label,
  value,
  options,
  onChange,
  disabled,
}: {
  label: string;
  value: string;
  options: readonly string[];
  onChange: (value: string) => void;
  disabled: boolean;
}) {
  const id = useId();
  return (
    <span className="fl-field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        className="fl-input"
        value={value}
        disabled={disabled || options.length === 0}
        onChange={(event) => onChange(event.target.value)}
      >
        {options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </span>
  );
}

/** A labelled whole-number input; the text is kept as typed so a half-edited value is not snapped back. */
export function NumberField({
  label,
  value,
  onChange,
  min,
  max,
  step,
  disabled,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  min: number;
  max: number;
  step: number;
  disabled: boolean;
}) {
  const id = useId();
  return (
    <span className="fl-field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        className="fl-input fl-input--number"
        type="number"
        inputMode="numeric"
        min={min}
        max={max}
        step={step}
        value={value}
        disabled={disabled}
        aria-invalid={parseWhole(value, min, max) === null}
        onChange={(event) => onChange(event.target.value)}
      />
    </span>
  );
}

/** The whole number in `text` when it lies in [min, max], else null. */
export function parseWhole(text: string, min: number, max: number): number | null {
  if (!/^\d+$/.test(text.trim())) return null;
  const value = Number(text);
  return value >= min && value <= max ? value : null;
}

/** `value` when it is one of `options`, else the first option: keeps a selection valid when the options change. */
export function pick(options: readonly string[], value: string): string {
  return options.includes(value) ? value : (options[0] ?? '');
}
