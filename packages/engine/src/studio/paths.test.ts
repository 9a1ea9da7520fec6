import { describe, expect, it } from 'vitest'
import { checkTemplate } from '../template/template.ts'
import { rewritePath, rewriteTemplate, wholePath } from './paths.ts'
import type { PathContext, WidgetOutputs } from './paths.ts'

function context(outputs: Record<string, WidgetOutputs> = {}, outbound = false) {
  const warnings: string[] = []
  const data: string[] = []
  const cx: PathContext = { outputs: (name) => outputs[name], outbound, warn: (m) => warnings.push(m), readsData: (n) => data.push(n) }
  return { cx, warnings, data }
}

describe('Studio paths → Phonetree paths', () => {
  it('maps the trigger, contact and flow paths', () => {
    const { cx, data } = context()
    expect(rewritePath('trigger.call.From', cx)).toBe('call.from')
    expect(rewritePath('trigger.call.To', cx)).toBe('call.to')
    expect(rewritePath('trigger.call.CallSid', cx)).toBe('call.sid')
    expect(rewritePath('trigger.call.FromCity', cx)).toBe('call.FromCity')
    expect(rewritePath('contact.channel.address', cx)).toBe('call.from')
    expect(rewritePath('flow.channel.address', cx)).toBe('call.to')
    expect(rewritePath('flow.variables.count', cx)).toBe('vars.count')
    expect(rewritePath('flow.variables.my-var.x', cx)).toBe('vars.my_var.x')
    expect(rewritePath('flow.data.patient', cx)).toBe('vars.patient')
    expect(data).toEqual(['patient'])
  })

  it('swaps the contact and flow numbers on an outbound call', () => {
    const { cx } = context({}, true)
    expect(rewritePath('contact.channel.address', cx)).toBe('call.to')
    expect(rewritePath('flow.channel.address', cx)).toBe('call.from')
  })

  it('maps widget outputs by what the widget became', () => {
    const { cx, warnings } = context({
      menu: { kind: 'menu' },
      account: { kind: 'input', saveAs: 'account' },
      http_1: { kind: 'http', saveAs: 'http_1' },
      vm: { kind: 'record', saveAs: 'vm' },
      call_1: { kind: 'outgoing-call' },
    })
    expect(rewritePath('widgets.menu.Digits', cx)).toBe('input.digits')
    expect(rewritePath('widgets.menu.SpeechResult', cx)).toBe('input.speech')
    expect(rewritePath('widgets.account.Digits', cx)).toBe('vars.account')
    expect(rewritePath('widgets.http_1.parsed.tier', cx)).toBe('vars.http_1.tier')
    expect(rewritePath('widgets.http_1.parsed', cx)).toBe('vars.http_1')
    expect(rewritePath('widgets.vm.RecordingUrl', cx)).toBe('vars.vm.url')
    expect(rewritePath('widgets.vm.TranscriptionText', cx)).toBe('vars.vm.transcript')
    expect(rewritePath('widgets.call_1.AnsweredBy', cx)).toBe('call.answeredBy')
    expect(warnings).toEqual([])
    expect(rewritePath('widgets.http_1.body', cx)).toBe('vars.http_1')
    expect(warnings).toHaveLength(1)
  })

  it('turns a path with no equivalent into an empty vars.studio path, with a warning', () => {
    const { cx, warnings } = context()
    expect(rewritePath('widgets.function_1.parsed.x', cx)).toBe('vars.studio.widgets.function_1.parsed.x')
    expect(rewritePath('trigger.message.Body', cx)).toBe('vars.studio.trigger.message.Body')
    expect(warnings).toEqual([
      'reads {{widgets.function_1.parsed.x}}, which has no equivalent in Phonetree; it now reads vars.studio.widgets.function_1.parsed.x, which is empty',
      'reads {{trigger.message.Body}}, which has no equivalent in Phonetree; it now reads vars.studio.trigger.message.Body, which is empty',
    ])
  })

  it('rewrites paths inside output and tag blocks only, keeping filters', () => {
    const { cx } = context({ http_1: { kind: 'http', saveAs: 'http_1' } })
    expect(rewriteTemplate('Hi {{trigger.call.From}}, flow.variables.x stays text', cx)).toBe('Hi {{call.from}}, flow.variables.x stays text')
    expect(rewriteTemplate("{{ widgets.http_1.parsed.name | default: 'there' | upcase }}", cx)).toBe("{{ vars.http_1.name | default: 'there' | upcase }}")
    expect(rewriteTemplate('{% if flow.variables.n > 2 %}many{% else %}few{% endif %}', cx)).toBe('{% if vars.n > 2 %}many{% else %}few{% endif %}')
    expect(rewriteTemplate("{{ 'flow.variables.x' }}", cx)).toBe("{{ 'flow.variables.x' }}")
  })

  it('drops a block Phonetree cannot run, so the result always parses', () => {
    const { cx, warnings } = context()
    const out = rewriteTemplate("Hello {{ 'x' | titlecase }} there {{trigger.call.From}}", cx)
    expect(out).toBe('Hello  there {{call.from}}')
    expect(checkTemplate(out).ok).toBe(true)
    expect(warnings[0]).toMatch(/titlecase/)
  })

  it('recognises a template that is exactly one path', () => {
    expect(wholePath('{{ vars.count }}')).toBe('vars.count')
    expect(wholePath('{{widgets.gather_1.Digits}}')).toBe('widgets.gather_1.Digits')
    expect(wholePath('{{ vars.count | plus: 1 }}')).toBeUndefined()
    expect(wholePath('n={{ vars.count }}')).toBeUndefined()
  })
})
